import fs from 'node:fs';

/**
 * A process as /proc knows it. The start time (clock ticks since boot) tells a process from a later one that got
 * the same PID, so `skiff down` and the next `skiff up` never signal a stranger.
 */
export interface ProcessIdentity {
  pid: number;
  startTicks: number;
}

function stat(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after its closing one are plain.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export function processRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const fields = stat(pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[0] !== 'X';
}

/** When `pid` started, in clock ticks since boot; undefined when it does not run. */
export function processStartTicks(pid: number): number | undefined {
  const fields = stat(pid);
  // Field 22 of /proc/PID/stat; fields[0] here is field 3.
  return fields ? Number(fields[19]) : undefined;
}

export function identify(pid: number): ProcessIdentity | undefined {
  const startTicks = processStartTicks(pid);
  return startTicks === undefined ? undefined : { pid, startTicks };
}

/** True when the process recorded in `id` still runs (not some later process with its PID). */
export function stillRunning(id: ProcessIdentity): boolean {
  return processRunning(id.pid) && processStartTicks(id.pid) === id.startTicks;
}

/** The process's command line, arguments joined by spaces; '' when it does not run. */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM to a process that is not our child, then SIGKILL after `graceMs`; resolves once it is gone. Returns how
 * it ended: 'gone' when it was not running, 'terminated' or 'killed'.
 */
export async function terminateProcess(id: ProcessIdentity, graceMs: number): Promise<'gone' | 'terminated' | 'killed'> {
  if (!stillRunning(id)) return 'gone';
  try {
    process.kill(id.pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!stillRunning(id)) return 'terminated';
    await sleep(25);
  }
  try {
    process.kill(id.pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  const killDeadline = Date.now() + 5000;
  while (stillRunning(id)) {
    if (Date.now() > killDeadline) throw new Error(`pid ${id.pid} did not exit after SIGKILL`);
    await sleep(25);
  }
  return 'killed';
}
