import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The mount operations volumes need; the real one shells out to mount(8)/umount(8). */
export interface Mounter {
  /** Mounts a fresh tmpfs at `dir`, of at most `sizeBytes` when given. */
  mountTmpfs(dir: string, sizeBytes?: number): Promise<void>;
  unmount(dir: string): Promise<void>;
  /** Every mount point in this mount namespace. */
  mountPoints(): Promise<string[]>;
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The mount points listed in /proc/self/mountinfo text (the fifth field of each line). */
export function parseMountInfo(text: string): string[] {
  const points: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length >= 5) points.push(unescapeMountPath(fields[4]));
  }
  return points;
}

async function runOrExplain(cmd: string, args: string[]): Promise<void> {
  try {
    await run(cmd, args);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}

export class LinuxMounter implements Mounter {
  async mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
    const options = sizeBytes !== undefined ? ['-o', `size=${sizeBytes}`] : [];
    await runOrExplain('mount', ['-t', 'tmpfs', ...options, 'tmpfs', dir]);
  }

  async unmount(dir: string): Promise<void> {
    await runOrExplain('umount', [dir]);
  }

  async mountPoints(): Promise<string[]> {
    return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  }
}
