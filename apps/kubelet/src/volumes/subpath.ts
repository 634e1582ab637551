import { chmodSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ContainerConfigError } from '../pod/errors';
import { expandVars } from '../pod/expand-vars';

/** subPathExpr expanded from the container's environment; a reference to an unset or empty variable is an error. */
export function expandSubPathExpr(expr: string, env: Map<string, string>): string {
  const missing = new Set<string>();
  const expanded = expandVars(expr, (name) => {
    const v = env.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new ContainerConfigError(`missing value for ${[...missing].sort().join(', ')}`);
  return expanded;
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : root + '/');
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * The host path a subPath mount binds: `<volume>/<subPath>` resolved through any symlinks, which must stay
 * inside the volume. A missing subPath is created as directories with the volume directory's mode, one
 * component at a time so a symlink cannot lead the creation outside.
 */
export function prepareSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): string {
  if (isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  const root = realpathSync(volumePath);
  const full = join(volumePath, subPath);
  if (!exists(full)) {
    const mode = statSync(volumePath).mode & 0o7777;
    let current = volumePath;
    try {
      for (const part of subPath.split('/').filter((p) => p && p !== '.')) {
        current = join(current, part);
        if (exists(current)) {
          if (!within(root, realpathSync(current))) throw new Error('escapes the volume');
          continue;
        }
        mkdirSync(current, { mode });
        chmodSync(current, mode);
      }
    } catch {
      // The details could tell a pod about the host's files; the kubelet keeps them out of the message too.
      throw new ContainerConfigError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
    }
  }
  let resolved: string;
  try {
    resolved = realpathSync(full);
  } catch {
    resolved = ''; // a dangling link: refused below like an escaping one
  }
  if (!resolved || !within(root, resolved)) {
    throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`);
  }
  return resolved;
}
