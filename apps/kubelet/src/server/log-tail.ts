import type { FileHandle } from 'node:fs/promises';
import { parseLogRecord } from './log-record';

const chunkSize = 64 * 1024;
const NL = 0x0a;

/**
 * The file offset at which the last `lines` log lines start, found by reading the file backwards from `size`.
 * A line is logical: a run of partial records ends with a full one, and only full records are counted. Bytes
 * after the last newline belong to a record still being written and are never part of the tail.
 */
export async function tailStartOffset(fh: FileHandle, size: number, lines: number): Promise<number> {
  let bufStart = size;
  let buf = Buffer.alloc(0);
  // We look for the newline before `cursor`; `lineEnd` is the newline ending the record under examination.
  let cursor = size;
  let lineEnd: number | undefined;
  let full = 0;
  const countRecord = (start: number, end: number): boolean => {
    const rec = parseLogRecord(buf.subarray(start - bufStart, end - bufStart));
    if (!rec || !rec.partial) full++;
    return full === lines + 1;
  };
  for (;;) {
    const rel = cursor > bufStart ? buf.lastIndexOf(NL, cursor - bufStart - 1) : -1;
    if (rel < 0) {
      if (bufStart === 0) {
        if (lineEnd !== undefined && countRecord(0, lineEnd)) return lineEnd + 1;
        return 0;
      }
      const readStart = Math.max(0, bufStart - chunkSize);
      const chunk = Buffer.alloc(bufStart - readStart);
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, readStart);
      if (bytesRead < chunk.length) return 0; // the file shrank under us: start from the top
      // Everything from `cursor` on has been examined already.
      buf = Buffer.concat([chunk, buf.subarray(0, cursor - bufStart)]);
      bufStart = readStart;
      continue;
    }
    const nl = bufStart + rel;
    if (lineEnd === undefined) {
      if (lines === 0) return nl + 1;
    } else if (countRecord(nl + 1, lineEnd)) {
      return lineEnd + 1;
    }
    lineEnd = nl;
    cursor = nl;
  }
}
