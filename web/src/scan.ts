/**
 * Reading a certificate's QR code with the camera: `BarcodeDetector` where the browser has it,
 * else jsQR on canvas frames (loaded only when needed, so the page stays small).
 */
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;

export interface Scanner {
  stop(): void;
}

/** Starts the camera in `video`; calls `onText` with the first QR code's text, then stops. */
export async function startScan(
  video: HTMLVideoElement,
  onText: (text: string) => void,
): Promise<Scanner> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment" },
    audio: false,
  });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    video.hidden = true;
  };
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  const detector = Detector === undefined ? undefined : new Detector({ formats: ["qr_code"] });
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const jsQR = detector === undefined ? (await import("jsqr")).default : undefined;
  const tick = async () => {
    if (stopped) return;
    try {
      let text: string | undefined;
      if (detector !== undefined) {
        text = (await detector.detect(video))[0]?.rawValue;
      } else if (jsQR !== undefined && context !== null && video.videoWidth > 0) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        text = jsQR(image.data, image.width, image.height)?.data;
      }
      if (text !== undefined && text !== "") {
        stop();
        onText(text);
        return;
      }
    } catch {
      // a frame that could not be read: try the next
    }
    setTimeout(() => void tick(), 200);
  };
  void tick();
  return { stop };
}

export function cameraAvailable(): boolean {
  return typeof navigator.mediaDevices?.getUserMedia === "function";
}
