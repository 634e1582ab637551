import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryObjectSource, testContainer, testPod } from '../pod/test-fixtures';
import { LinuxMounter } from './mounter';
import { VolumeManager } from './volume-manager';

// Needs root: mounts a real tmpfs for a memory-backed emptyDir and unmounts it on tear-down.
describe('VolumeManager with real mounts', () => {
  let root: string;
  const mounter = new LinuxMounter();
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'volumes-int-'))));
  afterEach(async () => {
    for (const p of (await mounter.mountPoints()).filter((m) => m.startsWith(root + '/')).reverse()) await mounter.unmount(p);
    rmSync(root, { recursive: true, force: true });
  });

  it('mounts a sized tmpfs for medium Memory and unmounts it when the pod is torn down', async () => {
    const manager = new VolumeManager({ rootDir: root, objects: new MemoryObjectSource(), mounter, canMount: true });
    const pod = testPod({ volumes: [{ name: 'fast', emptyDir: { medium: 'Memory', sizeLimit: '2Mi' } }], containers: [testContainer()] });
    const paths = await manager.setUpPod(pod);
    const dir = paths.get('fast')!;
    const line = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .find((l) => l.split(' ')[4] === dir);
    expect(line).toMatch(/ - tmpfs tmpfs .*size=2048k/);
    writeFileSync(join(dir, 'f'), 'in memory');
    expect(() => writeFileSync(join(dir, 'big'), Buffer.alloc(3 * 1024 * 1024))).toThrow(/ENOSPC/);

    await manager.setUpPod(pod);
    expect((await mounter.mountPoints()).filter((p) => p === dir)).toHaveLength(1);

    await manager.tearDownPod(pod.metadata.uid!);
    expect((await mounter.mountPoints()).includes(dir)).toBe(false);
    expect(existsSync(join(root, 'pods', pod.metadata.uid!))).toBe(false);
  });
});
