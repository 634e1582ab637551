import type { Container } from '@skiff/api';

/** 32-bit FNV-1a, the hash the kubelet labels containers with. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The hash recorded on a running container so the worker can tell when the spec it came from has changed.
 * Like the kubelet, it covers only the fields a pod update may change (the name and the image), so defaults
 * added later or a kubelet upgrade never restart a container.
 */
export function containerHash(container: Pick<Container, 'name' | 'image'>): string {
  return fnv1a32(JSON.stringify({ image: container.image ?? '', name: container.name })).toString(16);
}
