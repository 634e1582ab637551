import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// tools/images is plain JS shared with the command line; the test reads only what it asserts.
interface BuiltImage {
  name: string;
  digest: string;
  configDigest: string;
  built: boolean;
  layoutDir: string;
  tags: string[];
}
const { ensureImages } = require(path.resolve(__dirname, '../../../tools/images/build-images.js')) as {
  ensureImages(opts: { cacheDir?: string }): Promise<BuiltImage[]>;
};

jest.setTimeout(60_000);

/** The one layer's tarball of a built image. */
function layerFile(image: BuiltImage): string {
  const index = JSON.parse(fs.readFileSync(path.join(image.layoutDir, 'index.json'), 'utf8'));
  const blob = (digest: string) => path.join(image.layoutDir, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return blob(manifest.layers[0].digest);
}

describe('node images built without Docker (tools/images)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-images-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives byte-identical images from the same inputs, and reuses the cache', async () => {
    const first = await ensureImages({ cacheDir: path.join(tmp, 'a') });
    const second = await ensureImages({ cacheDir: path.join(tmp, 'b') });
    expect(first.map((i) => i.built)).toEqual([true, true]);
    expect(second.map((i) => i.digest)).toEqual(first.map((i) => i.digest));
    const again = await ensureImages({ cacheDir: path.join(tmp, 'a') });
    expect(again.map((i) => i.built)).toEqual([false, false]);
    expect(again.map((i) => i.digest)).toEqual(first.map((i) => i.digest));
  });

  it('puts busybox applets, accounts and folders into the busybox image', async () => {
    const busybox = (await ensureImages({ cacheDir: path.join(tmp, 'a') })).find((i) => i.name === 'busybox')!;
    expect(busybox.tags).toContain('latest');
    const listing = execFileSync('tar', ['-tvzf', layerFile(busybox)], { encoding: 'utf8' });
    for (const applet of ['bin/sh', 'usr/sbin/httpd', 'usr/bin/wget', 'bin/sleep']) {
      expect(listing).toMatch(new RegExp(`^l\\S+ 0/0 .* ${applet.replace(/\//g, '\\/')} -> /bin/busybox$`, 'm'));
    }
    expect(listing).toMatch(/^drwxrwxrwt 0\/0 .* 1970-01-01 00:00 tmp\/$/m);
    expect(listing).toMatch(/ var\/www\/$/m);
    const passwd = execFileSync('tar', ['-xzOf', layerFile(busybox), 'etc/passwd'], { encoding: 'utf8' });
    expect(passwd).toContain('nobody:x:65534:65534:');
  });

  it('builds a pause that exits 0 on SIGTERM', async () => {
    const pause = (await ensureImages({ cacheDir: path.join(tmp, 'a') })).find((i) => i.name === 'pause')!;
    const binary = path.join(tmp, 'pause');
    fs.writeFileSync(binary, execFileSync('tar', ['-xzOf', layerFile(pause), 'pause']), { mode: 0o755 });
    const child = spawn(binary, [], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // It warns once it runs (it is not PID 1 here); that is when its handlers are set.
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    const exited = new Promise<[number | null, string | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(stderr).toContain('not running as PID 1');
  });
});
