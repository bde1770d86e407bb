import { createReadStream } from "node:fs";

import { LedgerError } from "../errors.js";

/**
 * A text file read line by line with bounded memory: never more than one chunk and one line
 * (at most `maxLineLength` bytes) in memory, at most `maxLines` lines. Node only.
 */
export interface LineReaderOptions {
  /** Longest line accepted, in bytes (without its line break). */
  maxLineLength: number;
  /** Most lines accepted (blank lines included). */
  maxLines: number;
  /** What the file is, for the error sentences ("the CSV file", "the leaves file"). */
  what: string;
}

export interface Line {
  text: string;
  /** 1-based line number. */
  number: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Bytes read so far (for a progress bar). */
  bytesRead: number;
}

/** A refused input file: `message` names the file, the line and the reason. */
export class InputFileError extends LedgerError {
  constructor(code: string, path: string, line: number | undefined, reason: string) {
    super(code, `${path}${line === undefined ? "" : `:${line}`}: ${reason}`, {
      path,
      line,
      reason,
    });
    this.name = "InputFileError";
  }
}

export async function* boundedLines(
  path: string,
  options: LineReaderOptions,
): AsyncGenerator<Line> {
  const { maxLineLength, maxLines, what } = options;
  let carry: Buffer | undefined;
  let carryOffset = 0;
  let fileOffset = 0;
  let number = 0;
  let stream;
  try {
    stream = createReadStream(path, { highWaterMark: 1 << 20 });
  } catch (cause) {
    throw new InputFileError(
      "InputFileUnreadable",
      path,
      undefined,
      `cannot read ${what}: ${String(cause)}`,
    );
  }
  const emit = (bytes: Buffer, offset: number, bytesRead: number): Line => {
    number++;
    if (number > maxLines)
      throw new InputFileError(
        "InputFileTooLong",
        path,
        number,
        `${what} has more than ${maxLines.toLocaleString("en")} lines, the most one run accepts: split it into several runs`,
      );
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let start = 0;
    if (number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    const text = bytes.toString("utf8", start, end);
    if (text.includes("\uFFFD"))
      throw new InputFileError("InputFileNotText", path, number, `the line is not UTF-8 text`);
    return { text, number, offset, bytesRead };
  };
  const tooLong = (line: number) =>
    new InputFileError(
      "InputLineTooLong",
      path,
      line,
      `the line is longer than ${maxLineLength} bytes, the most ${what} allows: is this the right file?`,
    );
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytesRead = fileOffset + chunk.length;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(0x0a, start);
        if (newline < 0) break;
        let line = chunk.subarray(start, newline);
        let offset = fileOffset + start;
        if (carry) {
          line = Buffer.concat([carry, line]);
          offset = carryOffset;
          carry = undefined;
        }
        if (line.length > maxLineLength + 1) throw tooLong(number + 1);
        yield emit(line, offset, bytesRead);
        start = newline + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        if (carry) carry = Buffer.concat([carry, rest]);
        else {
          carry = Buffer.from(rest);
          carryOffset = fileOffset + start;
        }
        if (carry.length > maxLineLength + 1) throw tooLong(number + 1);
      }
      fileOffset = bytesRead;
    }
  } catch (cause) {
    if (cause instanceof LedgerError) throw cause;
    throw new InputFileError(
      "InputFileUnreadable",
      path,
      undefined,
      `cannot read ${what}: ${(cause as Error).message}`,
    );
  } finally {
    stream.destroy();
  }
  if (carry && carry.length > 0) yield emit(carry, carryOffset, fileOffset);
}
