import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Volume, VolumeMount } from '@skiff/api';
import { ContainerConfigError } from '../pod/errors';
import { MemoryObjectSource, testContainer, testPod } from '../pod/test-fixtures';
import type { PodWarning } from '../pod/warnings';
import { VolumeSetUpError } from './errors';
import type { Mounter } from './mounter';
import { VolumeManager } from './volume-manager';

/** Records mounts instead of making them; mount points are the ones it "mounted". */
class FakeMounter implements Mounter {
  mounted = new Map<string, number | undefined>();
  unmounted: string[] = [];
  async mountTmpfs(dir: string, sizeBytes?: number) {
    this.mounted.set(dir, sizeBytes);
  }
  async unmount(dir: string) {
    this.unmounted.push(dir);
    this.mounted.delete(dir);
  }
  async mountPoints() {
    return [...this.mounted.keys()];
  }
}

describe('VolumeManager', () => {
  let root: string;
  let source: MemoryObjectSource;
  let mounter: FakeMounter;
  let warnings: PodWarning[];
  let manager: VolumeManager;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'volumes-'));
    source = new MemoryObjectSource()
      .addConfigMap('shop', 'settings', { 'app.conf': 'level=debug', 'other.conf': 'x=1' }, { 'logo.bin': Buffer.from([0, 1, 2]).toString('base64') })
      .addSecret('shop', 'creds', { password: 's3cret', token: 't' });
    mounter = new FakeMounter();
    warnings = [];
    manager = new VolumeManager({ rootDir: root, objects: source, mounter, canMount: true, onWarning: (_, w) => warnings.push(w) });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const podWith = (volumes: Volume[], mounts: VolumeMount[] = []) =>
    testPod({ volumes, containers: [testContainer({ volumeMounts: mounts })] }, { labels: { app: 'web' } });
  const volDir = (plugin: string, name: string) => join(root, 'pods/1111-2222/volumes', plugin, name);
  const read = (...parts: string[]) => readFileSync(join(...parts), 'utf8');

  it('projects configmap keys, binary keys and items with their modes', async () => {
    const pod = podWith([
      { name: 'all', configMap: { name: 'settings', defaultMode: 0o640 } },
      { name: 'some', configMap: { name: 'settings', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
    ]);
    const paths = await manager.setUpPod(pod);
    expect(paths.get('all')).toBe(volDir('kubernetes.io~configmap', 'all'));
    expect(read(paths.get('all')!, 'app.conf')).toBe('level=debug');
    expect([...readFileSync(join(paths.get('all')!, 'logo.bin'))]).toEqual([0, 1, 2]);
    expect(statSync(join(paths.get('all')!, 'app.conf')).mode & 0o777).toBe(0o640);
    expect(readdirSync(paths.get('some')!).filter((n) => !n.startsWith('..'))).toEqual(['conf']);
    expect(read(paths.get('some')!, 'conf/app.conf')).toBe('level=debug');
    expect(statSync(join(paths.get('some')!, 'conf/app.conf')).mode & 0o777).toBe(0o600);
    expect(statSync(paths.get('all')!).mode & 0o777).toBe(0o777);
  });

  it('projects secrets decoded, with the default mode 0644', async () => {
    const paths = await manager.setUpPod(podWith([{ name: 'creds', secret: { secretName: 'creds' } }]));
    expect(paths.get('creds')).toBe(volDir('kubernetes.io~secret', 'creds'));
    expect(read(paths.get('creds')!, 'password')).toBe('s3cret');
    expect(statSync(join(paths.get('creds')!, 'token')).mode & 0o777).toBe(0o644);
  });

  it('projects the downward API from the pod object', async () => {
    const pod = podWith([
      {
        name: 'info',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
            { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Gi' } },
          ],
        },
      },
    ]);
    const paths = await manager.setUpPod(pod);
    expect(read(paths.get('info')!, 'labels')).toBe('app="web"');
    expect(read(paths.get('info')!, 'name')).toBe('web');
    expect(read(paths.get('info')!, 'mem')).toBe('8');

    pod.metadata.labels = { app: 'web', tier: 'front' };
    await manager.refresh(pod);
    expect(read(paths.get('info')!, 'labels')).toBe('app="web"\ntier="front"');
  });

  it('merges projected sources, and refuses serviceAccountToken ones without a token cache', async () => {
    const pod = podWith([
      {
        name: 'all-in-one',
        projected: {
          sources: [
            { configMap: { name: 'settings', items: [{ key: 'app.conf', path: 'app.conf' }] } },
            { secret: { name: 'creds', items: [{ key: 'token', path: 'auth/token' }] } },
            { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            { configMap: { name: 'absent', optional: true } },
          ],
        },
      },
    ]);
    const paths = await manager.setUpPod(pod);
    const dir = paths.get('all-in-one')!;
    expect(dir).toBe(volDir('kubernetes.io~projected', 'all-in-one'));
    expect(readdirSync(dir).filter((n) => !n.startsWith('..')).sort()).toEqual(['app.conf', 'auth', 'ns']);
    expect(read(dir, 'auth/token')).toBe('t');

    const tokenPod = podWith([{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]);
    await expect(manager.setUpPod(tokenPod)).rejects.toThrow(
      'MountVolume.SetUp failed for volume "token" : projected serviceAccountToken sources are not supported by this kubelet',
    );
  });

  it('sees configmap updates through the same paths after a refresh, and removed keys disappear', async () => {
    const pod = podWith([{ name: 'cfg', configMap: { name: 'settings' } }]);
    const paths = await manager.setUpPod(pod);
    const dir = paths.get('cfg')!;
    source.addConfigMap('shop', 'settings', { 'app.conf': 'level=info' });
    await manager.refresh(pod);
    expect(read(dir, 'app.conf')).toBe('level=info');
    expect(existsSync(join(dir, 'other.conf'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('..2'))).toHaveLength(1);
  });

  it('reports missing sources and keys per volume, and gives optional ones an empty volume', async () => {
    const pod = podWith([
      { name: 'a', configMap: { name: 'nope' } },
      { name: 'b', secret: { secretName: 'nope' } },
      { name: 'c', configMap: { name: 'settings', items: [{ key: 'missing', path: 'm' }] } },
      { name: 'd', secret: { secretName: 'creds', items: [{ key: 'missing', path: 'm' }] } },
      { name: 'e', configMap: { name: 'nope', optional: true } },
    ]);
    const err = (await manager.setUpPod(pod).catch((e: unknown) => e)) as VolumeSetUpError;
    expect(err).toBeInstanceOf(VolumeSetUpError);
    expect(err.failures).toEqual([
      { volume: 'a', message: 'configmap "nope" not found' },
      { volume: 'b', message: 'secret "nope" not found' },
      { volume: 'c', message: 'configmap references non-existent config key: missing' },
      { volume: 'd', message: 'references non-existent secret key: missing' },
    ]);
    expect(err.message).toContain('MountVolume.SetUp failed for volume "a" : configmap "nope" not found');
    expect(readdirSync(volDir('kubernetes.io~configmap', 'e')).filter((n) => !n.startsWith('..'))).toEqual([]);
  });

  it('makes emptyDirs world-writable, and tmpfs for medium Memory with its size limit', async () => {
    const pod = podWith([{ name: 'scratch', emptyDir: {} }, { name: 'fast', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }, { name: 'default' }]);
    const paths = await manager.setUpPod(pod);
    expect(paths.get('scratch')).toBe(volDir('kubernetes.io~empty-dir', 'scratch'));
    expect(paths.get('default')).toBe(volDir('kubernetes.io~empty-dir', 'default'));
    expect(statSync(paths.get('scratch')!).mode & 0o777).toBe(0o777);
    expect([...mounter.mounted]).toEqual([[paths.get('fast'), 64 * 1024 * 1024]]);
    await manager.setUpPod(pod);
    expect(mounter.mounted.size).toBe(1);
  });

  it('falls back to a plain directory for medium Memory when it cannot mount, warning once', async () => {
    const unprivileged = new VolumeManager({ rootDir: root, objects: source, mounter, canMount: false, onWarning: (_, w) => warnings.push(w) });
    const pod = podWith([{ name: 'fast', emptyDir: { medium: 'Memory' } }]);
    await unprivileged.setUpPod(pod);
    await unprivileged.setUpPod(pod);
    expect(mounter.mounted.size).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('using a plain directory');
  });

  it('checks hostPath volumes and uses them in place', async () => {
    const hostDir = join(root, 'host-data');
    const paths = await manager.setUpPod(podWith([{ name: 'data', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } }]));
    expect(paths.get('data')).toBe(hostDir);
    expect(statSync(hostDir).isDirectory()).toBe(true);
    await expect(manager.setUpPod(podWith([{ name: 'f', hostPath: { path: join(root, 'nope'), type: 'File' } }]))).rejects.toThrow(
      `MountVolume.SetUp failed for volume "f" : hostPath type check failed: ${join(root, 'nope')} is not a file`,
    );
  });

  it('refuses volume sources it does not support', async () => {
    await expect(manager.setUpPod(podWith([{ name: 'claim', persistentVolumeClaim: { claimName: 'c' } }]))).rejects.toThrow(
      'MountVolume.SetUp failed for volume "claim" : persistentVolumeClaim volumes are not supported by this kubelet',
    );
  });

  it('tears a pod down: unmounts what is mounted under it, then removes its directory', async () => {
    const pod = podWith([{ name: 'fast', emptyDir: { medium: 'Memory' } }, { name: 'cfg', configMap: { name: 'settings' } }]);
    await manager.setUpPod(pod);
    expect(await manager.podUidsOnDisk()).toEqual(['1111-2222']);
    await manager.tearDownPod('1111-2222');
    expect(mounter.unmounted).toEqual([volDir('kubernetes.io~empty-dir', 'fast')]);
    expect(existsSync(join(root, 'pods/1111-2222'))).toBe(false);
    await expect(manager.tearDownPod('1111-2222')).resolves.toBeUndefined();
    await expect(manager.tearDownPod('../etc')).rejects.toThrow('invalid pod UID');
  });

  describe('mountsFor', () => {
    it('maps volumeMounts to CRI mounts with read-only projections and propagation', async () => {
      const pod = podWith(
        [{ name: 'cfg', configMap: { name: 'settings' } }, { name: 'scratch', emptyDir: {} }, { name: 'host', hostPath: { path: '/var/log' } }],
        [
          { name: 'cfg', mountPath: '/etc/app' },
          { name: 'scratch', mountPath: '/scratch', mountPropagation: 'HostToContainer' },
          { name: 'host', mountPath: '/host-logs', readOnly: true, mountPropagation: 'Bidirectional' },
        ],
      );
      const paths = await manager.setUpPod(pod);
      expect(manager.mountsFor(pod, pod.spec.containers[0], paths)).toEqual([
        { containerPath: '/etc/app', hostPath: paths.get('cfg'), readonly: true, propagation: 'PROPAGATION_PRIVATE' },
        { containerPath: '/scratch', hostPath: paths.get('scratch'), readonly: false, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
        { containerPath: '/host-logs', hostPath: '/var/log', readonly: true, propagation: 'PROPAGATION_BIDIRECTIONAL' },
      ]);
    });

    it('resolves subPaths inside the volume, creating missing ones with the volume mode', async () => {
      const pod = podWith([{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'settings' } }], [
        { name: 'scratch', mountPath: '/data', subPath: 'a/b' },
        { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
      ]);
      const paths = await manager.setUpPod(pod);
      const [data, conf] = manager.mountsFor(pod, pod.spec.containers[0], paths);
      expect(data.hostPath).toBe(join(paths.get('scratch')!, 'a/b'));
      expect(statSync(data.hostPath).isDirectory()).toBe(true);
      expect(statSync(data.hostPath).mode & 0o777).toBe(0o777);
      // A configmap key by subPath binds the current version's file (as in Kubernetes, it does not follow updates).
      expect(conf.hostPath).toMatch(/kubernetes\.io~configmap\/cfg\/\.\.\d{4}_.*\/app\.conf$/);
      expect(readFileSync(conf.hostPath, 'utf8')).toBe('level=debug');
    });

    it('refuses subPaths that climb out, are absolute, or lead out through a symlink', async () => {
      const mount = (m: Partial<VolumeMount>) => podWith([{ name: 'scratch', emptyDir: {} }], [{ name: 'scratch', mountPath: '/data', ...m }]);
      const paths = await manager.setUpPod(mount({}));
      const attempt = (m: Partial<VolumeMount>) => {
        const pod = mount(m);
        return () => manager.mountsFor(pod, pod.spec.containers[0], paths);
      };
      expect(attempt({ subPath: '../../../etc' })).toThrow("unable to provision SubPath `../../../etc`: must not contain '..'");
      expect(attempt({ subPath: '/etc' })).toThrow('error SubPath `/etc` must not be an absolute path');
      const outside = join(root, 'outside');
      mkdirSync(outside);
      symlinkSync(outside, join(paths.get('scratch')!, 'escape'));
      expect(attempt({ subPath: 'escape' })).toThrow('failed to prepare subPath for volumeMount "scratch" of container "app"');
      expect(attempt({ subPath: 'escape/inner' })).toThrow('failed to create subPath directory for volumeMount "scratch" of container "app"');
      expect(existsSync(join(outside, 'inner'))).toBe(false);
      expect(attempt({ subPath: 'escape' })).toThrow(ContainerConfigError);
    });

    it('expands subPathExpr from the container environment', async () => {
      const pod = podWith([{ name: 'scratch', emptyDir: {} }], [{ name: 'scratch', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)' }]);
      const paths = await manager.setUpPod(pod);
      const [m] = manager.mountsFor(pod, pod.spec.containers[0], paths, [{ key: 'POD_NAME', value: 'web' }]);
      expect(m.hostPath).toBe(join(paths.get('scratch')!, 'logs/web'));
      expect(() => manager.mountsFor(pod, pod.spec.containers[0], paths)).toThrow('missing value for POD_NAME');
    });

    it('names an unknown volume and a bad propagation mode', async () => {
      const pod = podWith([], [{ name: 'ghost', mountPath: '/x' }]);
      expect(() => manager.mountsFor(pod, pod.spec.containers[0], new Map())).toThrow('cannot find volume "ghost" to mount into container "app"');
      const bad = podWith([{ name: 'v', emptyDir: {} }], [{ name: 'v', mountPath: '/x', mountPropagation: 'Sideways' as 'None' }]);
      expect(() => manager.mountsFor(bad, bad.spec.containers[0], new Map([['v', root]]))).toThrow('invalid MountPropagation mode: "Sideways"');
    });
  });

  it('keeps an existing file subPath as a file', async () => {
    const pod = podWith([{ name: 'scratch', emptyDir: {} }], [{ name: 'scratch', mountPath: '/etc/x.conf', subPath: 'x.conf' }]);
    const paths = await manager.setUpPod(pod);
    writeFileSync(join(paths.get('scratch')!, 'x.conf'), 'x');
    const [m] = manager.mountsFor(pod, pod.spec.containers[0], paths);
    expect(lstatSync(m.hostPath).isFile()).toBe(true);
  });
});
