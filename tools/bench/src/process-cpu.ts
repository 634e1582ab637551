import fs from 'node:fs';

// The kernel reports utime/stime in USER_HZ ticks, which Linux fixes at 100 for the /proc ABI.
const ticksPerSecond = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined if unreadable. */
export function readProcessCpuSeconds(pid: number): number | undefined {
  try {
    return parseProcStatCpuSeconds(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function parseProcStatCpuSeconds(stat: string): number | undefined {
  // The command name may itself contain spaces and parentheses; the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/);
  // Counting from "state" as field 3, utime and stime are fields 14 and 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / ticksPerSecond;
}

/** This process's own CPU seconds (user + system). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
