import fs from 'node:fs';

export interface ProcessMemory {
  /** Resident set size now (VmRSS). */
  rssMiB: number;
  /** The highest resident set size so far (VmHWM). */
  peakMiB: number;
}

/** Reads a process's memory from /proc/<pid>/status; undefined when the process or /proc is not there. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcStatusMemory(status);
}

export function parseProcStatusMemory(status: string): ProcessMemory | undefined {
  const kib = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  };
  const rss = kib('VmRSS');
  if (rss === undefined) return undefined;
  return { rssMiB: rss / 1024, peakMiB: (kib('VmHWM') ?? rss) / 1024 };
}
