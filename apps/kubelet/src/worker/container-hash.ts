import { createHash } from 'node:crypto';
import type { Container } from '@skiff/api';

export const containerHashAnnotation = 'io.kubernetes.container.hash';
export const restartCountAnnotation = 'io.kubernetes.container.restartCount';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * A short hash of the container's spec, stored on the runtime container. A running container whose spec no
 * longer hashes the same (say, a new image) is restarted. Resources are left out: changing them is a resize.
 */
export function containerHash(c: Container): string {
  const { resources: _resources, resizePolicy: _resizePolicy, ...rest } = c as Container & { resizePolicy?: unknown };
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex').slice(0, 8);
}
