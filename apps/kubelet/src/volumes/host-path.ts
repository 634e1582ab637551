import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** The hostPath types Kubernetes checks before mounting; '' (or unset) checks nothing. */
export const hostPathTypes = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] as const;

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Checks (and for the *OrCreate types, makes) what a hostPath volume points at, with the kubelet's messages.
 * DirectoryOrCreate makes the directory and its parents (0755); FileOrCreate makes an empty file (0644) but,
 * as in Kubernetes, not its parent directory.
 */
export async function checkHostPath(path: string, type: string | undefined): Promise<void> {
  const t = type ?? '';
  if (!(hostPathTypes as readonly string[]).includes(t)) throw new Error(`${t} is an invalid volume type`);
  if (t === '') return;
  let st = await statOrUndefined(path);
  if (!st && t === 'DirectoryOrCreate') {
    await mkdir(path, { recursive: true, mode: 0o755 });
    st = await stat(path);
  }
  if (!st && t === 'FileOrCreate') {
    await (await open(path, 'a', 0o644)).close();
    st = await stat(path);
  }
  const fail = (what: string) => new Error(`hostPath type check failed: ${path} is not ${what}`);
  switch (t) {
    case 'DirectoryOrCreate':
    case 'Directory':
      if (!st?.isDirectory()) throw fail('a directory');
      return;
    case 'FileOrCreate':
    case 'File':
      if (!st?.isFile()) throw fail('a file');
      return;
    case 'Socket':
      if (!st?.isSocket()) throw fail('a socket file');
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail('a character device');
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail('a block device');
      return;
  }
}
