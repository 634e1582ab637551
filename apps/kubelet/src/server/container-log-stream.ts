import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { ContainerLogOptions } from './container-log-options';
import { parseLogRecord } from './log-record';
import { LogFileWaiter } from './log-file-waiter';
import { LogFormatter } from './log-formatter';
import { tailStartOffset } from './log-tail';

export interface LogStreamContext {
  /** Whether the instance ran when the request came in; a stopped one is read to the end, never followed. */
  running: boolean;
  stillRunning(): Promise<boolean>;
  /** Upper bound between looks at the file when no change notification arrives. */
  pollIntervalMs: number;
  signal: AbortSignal;
}

const readSize = 64 * 1024;

interface OpenLog {
  fh: FileHandle;
  ino: number;
  position: number;
}

async function openLog(logPath: string): Promise<OpenLog | undefined> {
  try {
    const fh = await fs.open(logPath, 'r');
    const st = await fh.stat();
    return { fh, ino: st.ino, position: 0 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The inode now at `logPath`, or undefined while the file is absent (between rotation's rename and reopen). */
async function inodeAt(logPath: string): Promise<number | undefined> {
  try {
    return (await fs.stat(logPath)).ino;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The output of `kubectl logs` for one container instance, chunk by chunk. With `follow`, keeps reading what
 * the runtime appends, through rotation (the file renamed away and created again, or truncated), until the
 * container has stopped and the file is drained, or the signal aborts.
 */
export async function* containerLogChunks(logPath: string, opts: ContainerLogOptions, ctx: LogStreamContext): AsyncGenerator<Buffer> {
  const formatter = new LogFormatter(opts);
  let budget = opts.limitBytes ?? Infinity;
  let carry: Buffer = Buffer.alloc(0);
  let log = await openLog(logPath);
  const follow = opts.follow && ctx.running;
  const waiter = follow ? new LogFileWaiter(logPath, ctx.signal) : undefined;

  // Reads what is there from the current position; returns the formatted output, or undefined at the end of
  // the file. `carry` holds a record whose newline has not been written yet.
  const readMore = async (l: OpenLog): Promise<Buffer | undefined> => {
    const chunk = Buffer.alloc(readSize);
    const { bytesRead } = await l.fh.read(chunk, 0, readSize, l.position);
    if (bytesRead === 0) return undefined;
    l.position += bytesRead;
    const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    const out: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      const rec = parseLogRecord(data.subarray(start, nl));
      if (rec) out.push(...formatter.format(rec));
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
    return Buffer.concat(out);
  };

  // Output counted against limitBytes; once the budget is spent the stream ends.
  const take = (out: Buffer): Buffer => {
    if (out.length < budget) {
      budget -= out.length;
      return out;
    }
    const last = out.subarray(0, budget);
    budget = 0;
    return last;
  };

  try {
    if (log && opts.tailLines !== undefined) {
      const size = (await log.fh.stat()).size;
      log.position = await tailStartOffset(log.fh, size, opts.tailLines);
    }
    let lastRunningCheck = Date.now();
    for (;;) {
      if (ctx.signal.aborted) return;
      const out = log ? await readMore(log) : undefined;
      if (out !== undefined) {
        if (out.length) yield take(out);
        if (budget === 0) return;
        continue;
      }
      if (!follow) return;

      // At the end of the file: has it been rotated (renamed away, a new file created) or truncated?
      const ino = await inodeAt(logPath);
      if (ino !== undefined && (!log || ino !== log.ino)) {
        // The old file may have got a last write between our read and the rename: drain it before switching.
        const rest = log ? await readMore(log) : undefined;
        if (rest !== undefined) {
          if (rest.length) yield take(rest);
          if (budget === 0) return;
          continue;
        }
        await log?.fh.close();
        log = await openLog(logPath);
        carry = Buffer.alloc(0);
        continue;
      }
      if (log && ino !== undefined && (await log.fh.stat()).size < log.position) {
        log.position = 0;
        carry = Buffer.alloc(0);
        continue;
      }

      const outcome = await waiter!.wait(ctx.pollIntervalMs);
      if (outcome === 'aborted') return;
      if (outcome === 'timeout' || Date.now() - lastRunningCheck >= ctx.pollIntervalMs) {
        lastRunningCheck = Date.now();
        if (!(await ctx.stillRunning())) {
          // Stopped: everything it wrote is in the file by now; send the rest and end.
          while (log) {
            const rest = await readMore(log);
            if (rest === undefined) break;
            if (rest.length) yield take(rest);
            if (budget === 0) return;
          }
          return;
        }
      }
    }
  } finally {
    waiter?.close();
    await log?.fh.close();
  }
}
