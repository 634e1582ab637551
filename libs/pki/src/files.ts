import * as fs from 'node:fs';
import * as path from 'node:path';

/** Private keys and kubeconfigs are readable by the owner only; certificates by anyone. */
export const secretFileMode = 0o600;
export const publicFileMode = 0o644;

/**
 * Writes through a temporary file and a rename, so a crash never leaves half a key or a certificate behind that a
 * later start would take for a real one. The mode is set even when the file already existed.
 */
export function writeFileAtomic(file: string, data: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The text of a file a command-line flag names; the error is one line naming the flag and the file. */
export function readFlagFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** As readFlagFile, for a flag that names PEM: certificates, keys, CA bundles. */
export function readPemFlagFile(file: string, flag: string): string {
  const text = readFlagFile(file, flag);
  if (!text.includes('-----BEGIN ')) throw new Error(`${flag} ${file}: not a PEM file`);
  return text;
}
