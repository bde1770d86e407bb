import type { BuildProgress } from "./build.js";

/**
 * A progress bar for `buildRunFromCsv` on a terminal (redrawn in place on stderr), or, when
 * stderr is not a terminal (CI, a log file), one plain line every `everyMs` and at each phase's
 * end. Node only.
 */
export function buildProgressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  everyMs = 5_000,
): (progress: BuildProgress) => void {
  const started = Date.now();
  let lastPhase = "";
  let lastAt = 0;
  const label = { reading: "reading CSV", hashing: "hashing tree", writing: "writing files" };
  return (p) => {
    const now = Date.now();
    const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const seconds = ((now - started) / 1000).toFixed(1);
    const rows = `${p.rows.toLocaleString("en")} rows`;
    if (stream.isTTY) {
      if (now - lastAt < 100 && fraction < 1 && p.phase === lastPhase) return;
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
      stream.write(
        `\r${label[p.phase].padEnd(13)} [${bar}] ${percent}  ${rows}  ${seconds}s\x1b[K`,
      );
      if (fraction >= 1 && p.phase === "writing") stream.write("\n");
    } else {
      const finished = `${p.phase}:done`;
      const end = fraction >= 1 && lastPhase !== finished;
      if (!end && (fraction >= 1 || now - lastAt < everyMs)) return;
      stream.write(`${label[p.phase]}: ${percent.trim()}, ${rows}, ${seconds}s\n`);
      lastPhase = fraction >= 1 ? finished : p.phase;
      lastAt = now;
      return;
    }
    lastPhase = p.phase;
    lastAt = now;
  };
}
