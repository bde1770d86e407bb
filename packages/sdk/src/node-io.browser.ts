/**
 * `node-io.ts` for a browser (the package's `browser` field swaps it in): there is no file
 * system, so nothing is ever found and every read or write is refused with a sentence. A page
 * passes address books and certificates as values (`trustFromRecord`, `LicenseLedger.verify`
 * with `trusted`), never as paths.
 */
function refuse(what: string): never {
  throw new Error(`${what} is not available in a browser: pass the data itself, not a path`);
}

export function appendFileSync(_path: string, _data: string): void {
  refuse("writing a file");
}
export function existsSync(_path: string): boolean {
  return false;
}
export function readFileSync(_path: string, _encoding: string): string {
  return refuse("reading a file");
}
export function readdirSync(_path: string): string[] {
  return [];
}
export function statSync(_path: string): { size: number } {
  return refuse("reading a file");
}
export async function readFile(_path: string): Promise<Uint8Array> {
  return refuse("reading a file");
}
export function basename(path: string, suffix = ""): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return suffix !== "" && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}
export function join(...parts: string[]): string {
  return parts.join("/").replace(/\/+/g, "/");
}
export function fileURLToPath(url: URL | string): string {
  return String(url);
}
