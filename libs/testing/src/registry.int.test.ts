import path from 'node:path';
import { TestRegistry } from './registry';

// tools/images is plain JS with no types; the test reads only what it asserts.
const { ensureImages } = require(path.resolve(__dirname, '../../../tools/images/build-images.js')) as {
  ensureImages(opts: { registry: string; cacheDir?: string }): Promise<Array<{ name: string; repository: string; tags: string[]; digest: string; uploadedBlobs: number }>>;
};

describe('TestRegistry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await TestRegistry.start();
  });
  afterAll(async () => {
    await registry?.destroy();
  });

  it('answers the v2 API on loopback and takes the node images pushed by tools/images', async () => {
    expect(await registry.tags('library/busybox')).toEqual([]);
    const pushed = await ensureImages({ registry: registry.url });
    const busybox = pushed.find((i) => i.name === 'busybox')!;
    expect((await registry.tags('library/busybox')).sort()).toEqual([...busybox.tags].sort());
    expect(await registry.tags('pause')).toEqual(['3.9']);

    const res = await fetch(`${registry.url}/v2/library/busybox/manifests/latest`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(busybox.digest);
    expect(res.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');

    // A second push finds every blob already there.
    const again = await ensureImages({ registry: registry.url });
    expect(again.map((i) => i.uploadedBlobs)).toEqual([0, 0]);
  });

  it('is gone from its port after destroy', async () => {
    const other = await TestRegistry.start();
    const url = other.url;
    await other.destroy();
    await expect(fetch(`${url}/v2/`)).rejects.toThrow();
  });
});
