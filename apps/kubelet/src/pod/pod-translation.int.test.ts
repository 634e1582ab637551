import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod } from '@skiff/api';
import { CriClient, ManagedContainerd, writePodNetworkConfig, type PodSandboxConfig } from '@skiff/cri';
import { TestRegistry, waitFor } from '@skiff/testing';
import { VolumeManager } from '../volumes/volume-manager';
import { buildContainerConfig } from './container-config';
import { makeEnvironment } from './container-env';
import { etcHostsMount } from './etc-hosts';
import { buildSandboxConfig } from './sandbox-config';
import { prepareTerminationMessageFile, readTerminationMessage } from './termination-message';
import { MemoryObjectSource } from './test-fixtures';

// Needs root, containerd, runc and the CNI plugins: the translation's output run by a real containerd.
const repoRoot = path.resolve(__dirname, '../../../..');
const { requireRuntime } = require(path.join(repoRoot, 'tools/dev/require-runtime.js')) as { requireRuntime(log?: (l: string) => void): void };
const { ensureImages } = require(path.join(repoRoot, 'tools/images/build-images.js')) as { ensureImages(o: { registry: string }): Promise<unknown[]> };

jest.setTimeout(120_000);

const POD_CIDR = '10.244.251.0/24';
const BRIDGE = `skpod${process.pid}`.slice(0, 15);
const NETWORK = `skiff-pod-test-${process.pid}`;
const CGROUP_ROOT = `/skiff-pod-test-${process.pid}`;
const CNI_RESULTS = '/var/lib/cni/results';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Removes this test's cgroups (empty once their containers are gone) from every v1 hierarchy, deepest first. */
function removeTestCgroups(): void {
  const remove = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) remove(path.join(dir, e.name));
    fs.rmdirSync(dir);
  };
  for (const h of fs.readdirSync('/sys/fs/cgroup')) remove(path.join('/sys/fs/cgroup', h, CGROUP_ROOT));
}

describe('a pod translated for CRI and run by containerd', () => {
  let registry: TestRegistry;
  let dir: string;
  let containerd: ManagedContainerd;
  let cri: CriClient;
  let volumes: VolumeManager;
  const objects = new MemoryObjectSource()
    .addConfigMap('shop', 'settings', { 'app.conf': 'level=debug' })
    .addService('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }])
    .addService('shop', 'cache', '10.96.0.7', [{ port: 11211 }]);
  const sandboxIds: string[] = [];

  const app: Container = {
    name: 'app',
    image: 'busybox',
    command: ['sh', '-c', 'echo started; exec sleep 3600'],
    env: [
      { name: 'TARGET', value: 'world' },
      { name: 'GREETING', value: 'hello $(TARGET)' },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'app.conf' } } },
    ],
    resources: { limits: { cpu: '200m', memory: '64Mi' } },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/config' },
      { name: 'scratch', mountPath: '/scratch', subPath: 'app' },
      { name: 'info', mountPath: '/etc/podinfo' },
    ],
    terminationMessagePath: '/dev/termination-log',
  };
  const quitter: Container = {
    name: 'quitter',
    image: 'busybox',
    command: ['sh', '-c', 'echo "all done" > /dev/termination-log; exit 3'],
    resources: { limits: { cpu: '100m', memory: '32Mi' } },
    terminationMessagePath: '/dev/termination-log',
  };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', uid: `uid-${process.pid}`, labels: { app: 'web' } },
    spec: {
      containers: [app, quitter],
      volumes: [
        { name: 'config', configMap: { name: 'settings' } },
        { name: 'scratch', emptyDir: {} },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      ],
      securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
    },
  };
  const sandboxOptions = {
    clusterDNS: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    resolvConf: '',
    hostDNS: { servers: ['192.0.2.53'], searches: ['corp.example'], options: [] },
    cgroupParentRoot: `${CGROUP_ROOT}/kubepods`,
  };
  let sandboxConfig: PodSandboxConfig;
  let sandboxId = '';
  let podIP = '';
  let appId = '';
  let volumePaths: Map<string, string>;

  const exec = async (cmd: string) => {
    const r = await cri.execSync(appId, ['sh', '-c', cmd], 10);
    if (r.exitCode !== 0) throw new Error(`${cmd} exited ${r.exitCode}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };

  async function startContainer(c: Container): Promise<string> {
    const imageRef = await cri.pullImage({ image: c.image! });
    const image = await cri.imageStatus({ image: c.image! });
    const { envs } = await makeEnvironment(pod, c, objects, { podIPs: [podIP], hostIPs: ['192.0.2.2'] });
    const mounts = volumes.mountsFor(pod, c, volumePaths, envs);
    const hosts = etcHostsMount(volumes.dirs, pod, c, { podIPs: [podIP], clusterDomain: 'cluster.local' });
    const termination = prepareTerminationMessageFile(volumes.dirs, pod, c, 0);
    const config = buildContainerConfig(pod, c, {
      attempt: 0,
      imageRef,
      envs,
      mounts: [...mounts, hosts!, termination!],
      imageUser: { uid: image?.uid?.value, username: image?.username },
      nodeMemoryCapacity: os.totalmem(),
    });
    const id = await cri.createContainer(sandboxId, config, sandboxConfig);
    await cri.startContainer(id);
    return id;
  }

  beforeAll(async () => {
    requireRuntime(() => undefined);
    if (run('ip', ['route', 'show', POD_CIDR]).trim() !== '') throw new Error(`a route to ${POD_CIDR} exists already; this test needs the CIDR to itself`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-pod-'));
    registry = await TestRegistry.start();
    await ensureImages({ registry: registry.url });
    const cniConfDir = path.join(dir, 'net.d');
    writePodNetworkConfig(cniConfDir, { podCidr: POD_CIDR, bridgeName: BRIDGE, networkName: NETWORK, ipamDataDir: path.join(dir, 'ipam') });
    containerd = new ManagedContainerd({ dir, cniConfDir, registryMirror: registry.url });
    await containerd.start();
    cri = new CriClient(containerd.endpoint);
    volumes = new VolumeManager({ rootDir: path.join(dir, 'kubelet'), objects, canMount: true });
  });

  afterAll(async () => {
    try {
      if (cri && containerd?.running) {
        for (const c of await cri.listContainers()) await cri.removeContainer(c.id).catch(() => undefined);
        for (const s of await cri.listPodSandbox()) {
          await cri.stopPodSandbox(s.id).catch(() => undefined);
          await cri.removePodSandbox(s.id).catch(() => undefined);
        }
      }
      await volumes?.tearDownPod(pod.metadata.uid!);
    } finally {
      cri?.close();
      await containerd?.stop();
      await registry?.destroy();
      try {
        run('ip', ['link', 'del', BRIDGE]);
      } catch {
        // no bridge was made
      }
      for (const f of fs.existsSync(CNI_RESULTS) ? fs.readdirSync(CNI_RESULTS) : []) {
        if (f.startsWith(`${NETWORK}-`) || sandboxIds.some((id) => f === `cni-loopback-${id}-lo`)) fs.rmSync(path.join(CNI_RESULTS, f), { force: true });
      }
      removeTestCgroups();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the sandbox: hostname, cluster DNS, sysctls, seccomp and the QoS cgroup parent', async () => {
    volumePaths = await volumes.setUpPod(pod);
    sandboxConfig = buildSandboxConfig(pod, sandboxOptions);
    expect(sandboxConfig.linux?.cgroupParent).toBe(`${CGROUP_ROOT}/kubepods/pod${pod.metadata.uid}`);
    sandboxId = await cri.runPodSandbox(sandboxConfig);
    sandboxIds.push(sandboxId);
    const status = await cri.podSandboxStatus(sandboxId);
    expect(status.state).toBe('SANDBOX_READY');
    podIP = status.network?.ip ?? '';
    expect(podIP).toMatch(/^10\.244\.251\.\d+$/);

    appId = await startContainer(app);
    expect((await cri.containerStatus(appId)).state).toBe('CONTAINER_RUNNING');
    expect((await exec('hostname')).trim()).toBe('web');
    const resolv = await exec('cat /etc/resolv.conf');
    expect(resolv).toContain('nameserver 10.96.0.10');
    expect(resolv).toContain('search shop.svc.cluster.local svc.cluster.local cluster.local corp.example');
    expect(resolv).toContain('options ndots:5');
    expect((await exec('cat /proc/sys/net/ipv4/ip_unprivileged_port_start')).trim()).toBe('0');
    expect((await exec('grep ^Seccomp: /proc/self/status')).trim()).toBe('Seccomp:\t0');
    // The container's memory limit lands in its cgroup under the pod's Guaranteed parent.
    const cgroup = path.join('/sys/fs/cgroup/memory', `${CGROUP_ROOT}/kubepods/pod${pod.metadata.uid}`, appId, 'memory.limit_in_bytes');
    expect(fs.readFileSync(cgroup, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
  });

  it('gives the container its environment, /etc/hosts and volumes', async () => {
    const env = await exec('env');
    expect(env).toContain('GREETING=hello world\n');
    expect(env).toContain(`POD_IP=${podIP}\n`);
    expect(env).toContain('LEVEL=level=debug\n');
    expect(env).toContain('KUBERNETES_SERVICE_HOST=10.96.0.1\n');
    expect(env).toContain('CACHE_PORT=tcp://10.96.0.7:11211\n');
    expect(await exec('cat /etc/hosts')).toContain(`${podIP}\tweb\n`);
    expect(await exec('cat /etc/config/app.conf')).toBe('level=debug');
    expect(await exec('cat /etc/podinfo/labels')).toBe('app="web"');
    const readOnly = await cri.execSync(appId, ['sh', '-c', 'echo x > /etc/config/new'], 10);
    expect(readOnly.exitCode).not.toBe(0);
    await exec('echo written > /scratch/file');
    expect(fs.readFileSync(path.join(volumePaths.get('scratch')!, 'app/file'), 'utf8')).toBe('written\n');
  });

  it('shows a configmap update inside the running container after a refresh', async () => {
    objects.addConfigMap('shop', 'settings', { 'app.conf': 'level=info', 'extra.conf': 'new' });
    await volumes.refresh(pod);
    expect(await exec('cat /etc/config/app.conf')).toBe('level=info');
    expect(await exec('cat /etc/config/extra.conf')).toBe('new');
  });

  it('leaves the termination message where the kubelet reads it', async () => {
    const id = await startContainer(quitter);
    const status = await waitFor(
      async () => {
        const s = await cri.containerStatus(id);
        return s.state === 'CONTAINER_EXITED' ? s : undefined;
      },
      { timeoutMs: 15_000, what: 'the quitter to exit' },
    );
    expect(status.exitCode).toBe(3);
    expect(readTerminationMessage(status)).toEqual({ message: 'all done\n', fallbackToLogs: false });
  });

  it('runs a host-network sandbox, which needs an empty hostname', async () => {
    const hostPod: Pod = { ...pod, metadata: { ...pod.metadata, name: 'host', uid: `uid-host-${process.pid}` }, spec: { ...pod.spec, hostNetwork: true, securityContext: {} } };
    const config = buildSandboxConfig(hostPod, sandboxOptions);
    expect(config.hostname).toBe('');
    const id = await cri.runPodSandbox(config);
    sandboxIds.push(id);
    expect((await cri.podSandboxStatus(id)).linux?.namespaces?.options?.network).toBe('NODE');
  });
});
