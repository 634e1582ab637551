import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** One file of a projected volume: its bytes and permission bits. */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** Relative path → file; what a configMap, secret, downwardAPI or projected volume shows. */
export type Payload = Map<string, FileProjection>;

const dataDirName = '..data';
const newDataDirName = '..data_tmp';
const maxPathLength = 4096;
const maxFileNameLength = 255;

/** Why a payload path is unusable, or undefined when it is fine (relative, no `..` element, not hidden as `..x`). */
export function payloadPathProblem(path: string): string | undefined {
  if (path === '') return `invalid path: must not be empty: ${JSON.stringify(path)}`;
  if (posix.isAbsolute(path)) return `invalid path: must be relative path: ${path}`;
  if (path.length > maxPathLength) return `invalid path: must be less than or equal to ${maxPathLength} characters`;
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${path}`;
    if (item.length > maxFileNameLength) return `invalid path: filenames must be less than or equal to ${maxFileNameLength} characters`;
  }
  if (items[0].startsWith('..') && items[0].length > 2) return `invalid path: must not start with '..': ${path}`;
  return undefined;
}

function cleanPayload(payload: Payload): Payload {
  const clean: Payload = new Map();
  for (const [path, file] of payload) {
    const problem = payloadPathProblem(path);
    if (problem) throw new Error(problem);
    clean.set(posix.normalize(path).replace(/\/+$/, ''), file);
  }
  return clean;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readlinkOrEmpty(path: string): Promise<string> {
  try {
    return await readlink(path);
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EINVAL') return '';
    throw err;
  }
}

/** Every file and directory under `dir`, as paths relative to it. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await walk(join(dir, entry.name), rel)));
  }
  return out;
}

/** True when the files under `dir` differ from the payload in set, content or mode. */
async function differs(payload: Payload, dir: string): Promise<boolean> {
  const existing = await walk(dir).catch(() => undefined);
  if (!existing) return true;
  const files: string[] = [];
  for (const rel of existing) if (!(await lstat(join(dir, rel))).isDirectory()) files.push(rel);
  if (files.length !== payload.size) return true;
  for (const [path, file] of payload) {
    try {
      const full = join(dir, path);
      const [content, st] = await Promise.all([readFile(full), stat(full)]);
      if (!content.equals(file.data) || (st.mode & 0o7777) !== file.mode) return true;
    } catch (err) {
      if (isMissing(err)) return true;
      throw err;
    }
  }
  return false;
}

function timestampPrefix(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/**
 * Projects a payload into `targetDir` with Kubernetes' atomic-writer layout, so a running container sees either
 * the old or the new content, never a mix:
 *
 *   targetDir/..2024_05_01_10_00_00.AbC123/<files>   the content, one timestamped directory per version
 *   targetDir/..data -> ..2024_05_01_10_00_00.AbC123 swapped with one rename
 *   targetDir/<top-level name> -> ..data/<top-level name>
 *
 * A new version is written only when content, modes or the file set changed; names that left the payload lose
 * their link, and the previous version's directory is removed. Returns whether anything changed.
 */
export async function writeAtomically(targetDir: string, payload: Payload, now = new Date()): Promise<boolean> {
  const clean = cleanPayload(payload);
  await mkdir(targetDir, { recursive: true });
  const dataDirPath = join(targetDir, dataDirName);
  const oldTsDir = await readlinkOrEmpty(dataDirPath);
  const oldTsPath = oldTsDir ? join(targetDir, oldTsDir) : '';

  const wanted = new Set<string>();
  for (const path of clean.keys()) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) wanted.add(parts.slice(0, i).join('/'));
  }
  const toRemove = oldTsPath ? (await walk(oldTsPath).catch((): string[] => [])).filter((p) => !wanted.has(p)) : [];
  const write = !oldTsPath || (await differs(clean, oldTsPath));

  if (write) {
    const tsDir = await mkdtemp(join(targetDir, timestampPrefix(now)));
    try {
      await chmod(tsDir, 0o755);
      for (const [path, file] of clean) {
        const full = join(tsDir, path);
        await mkdir(posix.dirname(full), { recursive: true, mode: 0o755 });
        await writeFile(full, file.data, { mode: file.mode });
        await chmod(full, file.mode); // the umask trims the create mode
      }
      const newDataDirPath = join(targetDir, newDataDirName);
      await rm(newDataDirPath, { force: true });
      await symlink(posix.basename(tsDir), newDataDirPath);
      await rename(newDataDirPath, dataDirPath);
    } catch (err) {
      await rm(tsDir, { recursive: true, force: true });
      throw err;
    }
  }

  for (const path of clean.keys()) {
    const top = path.split('/')[0];
    const visible = join(targetDir, top);
    if (!(await readlinkOrEmpty(visible))) {
      await rm(visible, { recursive: true, force: true });
      await symlink(join(dataDirName, top), visible);
    }
  }
  for (const path of toRemove) {
    if (path.includes('/')) continue; // only the top-level links live in targetDir itself
    await unlink(join(targetDir, path)).catch((err: unknown) => {
      if (!isMissing(err)) throw err;
    });
  }
  if (write && oldTsPath) await rm(oldTsPath, { recursive: true, force: true });
  return write || toRemove.length > 0;
}
