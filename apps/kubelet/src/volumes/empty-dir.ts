import { chmod, mkdir, realpath } from 'node:fs/promises';
import { Quantity } from '@skiff/api';
import type { Mounter } from './mounter';

export interface EmptyDirSource {
  medium?: string;
  sizeLimit?: string | number;
}

export interface EmptyDirContext {
  mounter: Mounter;
  /** Whether tmpfs can be mounted here (root); otherwise a memory-backed emptyDir is a plain directory. */
  canMount: boolean;
  /** Current mount points, so an already mounted tmpfs is not mounted again. */
  mountPoints: string[];
  /** Told when a memory-backed emptyDir has to fall back to a plain directory. */
  onFallback: (message: string) => void;
}

/**
 * Makes an emptyDir: a directory anyone in the pod can write (0777), or for `medium: Memory` a tmpfs mounted
 * there, sized by sizeLimit when set. Idempotent.
 */
export async function setUpEmptyDir(dir: string, src: EmptyDirSource, ctx: EmptyDirContext): Promise<void> {
  const medium = src.medium ?? '';
  if (medium !== '' && medium !== 'Memory') throw new Error(`emptyDir medium ${medium} is not supported by this kubelet`);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  if (medium === 'Memory') {
    if (!ctx.canMount) {
      ctx.onFallback('memory-backed emptyDir needs root to mount tmpfs; using a plain directory on disk instead');
    } else if (!ctx.mountPoints.includes(await realpath(dir))) {
      const size = src.sizeLimit !== undefined ? Quantity.parse(src.sizeLimit).value() : undefined;
      await ctx.mounter.mountTmpfs(dir, size);
    }
  }
  await chmod(dir, 0o777);
}
