import { normalizeImageReference, parseImageReference } from './image-reference';

describe('image references', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['bitnami/nginx:1.25', 'docker.io/bitnami/nginx:1.25'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['127.0.0.1:5000/skiff/web', '127.0.0.1:5000/skiff/web:latest'],
    ['localhost/app:v1', 'localhost/app:v1'],
    ['localhost', 'docker.io/library/localhost:latest'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`],
    [`busybox:1.36@sha256:${'b'.repeat(64)}`, `docker.io/library/busybox:1.36@sha256:${'b'.repeat(64)}`],
  ])('%s → %s', (text, full) => {
    expect(normalizeImageReference(text)).toBe(full);
  });

  it('splits the parts', () => {
    expect(parseImageReference('127.0.0.1:5000/a/b:c')).toEqual({ domain: '127.0.0.1:5000', path: 'a/b', tag: 'c', digest: undefined });
  });

  it.each(['', 'UPPER', 'a//b', 'busybox:', 'busybox@sha256:short', 'busybox:bad tag', '-lead'])('rejects %j', (text) => {
    expect(normalizeImageReference(text)).toBeUndefined();
  });
});
