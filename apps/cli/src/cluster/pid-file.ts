import fs from 'node:fs';
import { processRunning, processStartTicks } from './process-identity';

/** Linux's USER_HZ, the unit of /proc/PID/stat start times, is 100 on every architecture Skiff runs on. */
const ticksPerSecond = 100;

/** Boot time in ms since the epoch (/proc/stat's btime has whole seconds, hence the slack in `writtenBy`). */
function bootTimeMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '));
  return Number(line?.split(' ')[1] ?? 0) * 1000;
}

/**
 * Whether `pid` could have written a file last modified at `mtimeMs`: a process that got the PID of a dead writer
 * started after the file was written. The second of slack covers btime's rounding.
 */
function writtenBy(pid: number, mtimeMs: number): boolean {
  const ticks = processStartTicks(pid);
  if (ticks === undefined) return false;
  return bootTimeMs() + (ticks * 1000) / ticksPerSecond <= mtimeMs + 1500;
}

/** The PID in the file when that process still runs (and is the one that wrote it); else undefined. */
export function runningPid(file: string): number | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processRunning(pid) && writtenBy(pid, mtimeMs) ? pid : undefined;
}

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
  constructor(
    readonly pid: number,
    file: string,
  ) {
    super(`already running (pid ${pid}, pid file ${file})`);
  }
}

/**
 * A PID file holding this process's PID (the usual one-number format, so `kill $(cat FILE)` works). Taking it fails
 * with AlreadyRunningError while the process named in it runs; a file left by a process that is gone is replaced.
 */
export class PidFile {
  private constructor(
    readonly file: string,
    readonly pid: number,
  ) {}

  static acquire(file: string, pid = process.pid): PidFile {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, `${pid}\n`, { flag: 'wx' });
        return new PidFile(file, pid);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = runningPid(file);
      if (holder !== undefined && holder !== pid) throw new AlreadyRunningError(holder, file);
      fs.rmSync(file, { force: true });
    }
    throw new Error(`cannot create the pid file ${file}: it keeps coming back`);
  }

  /** Removes the file, unless another process has taken it over since. */
  release(): void {
    try {
      if (Number(fs.readFileSync(this.file, 'utf8').trim()) === this.pid) fs.rmSync(this.file, { force: true });
    } catch {
      // Already gone.
    }
  }
}
