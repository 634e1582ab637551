import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestRegistry, waitFor } from '@skiff/testing';
import { CriClient } from '../cri-client';
import type { ContainerConfig, PodSandboxConfig } from '../types';
import { ManagedContainerd, containerdBinary, type ManagedContainerdEvent, type ManagedContainerdOptions } from './managed-containerd';
import { writePodNetworkConfig } from './cni-config';

// Plain JS tools shared with the command line; the test reads only the fields it uses.
const repoRoot = path.resolve(__dirname, '../../../..');
const { requireRuntime } = require(path.join(repoRoot, 'tools/dev/require-runtime.js')) as { requireRuntime(log?: (l: string) => void): void };
const { ensureImages } = require(path.join(repoRoot, 'tools/images/build-images.js')) as {
  ensureImages(o: { registry: string }): Promise<Array<{ name: string; digest: string; configDigest: string; size: number; unpackedSize: number }>>;
};

jest.setTimeout(120_000);

const POD_CIDR = '10.244.250.0/24';
const BRIDGE = `sktest${process.pid}`.slice(0, 15);
const NETWORK = `skiff-test-${process.pid}`;
const CNI_RESULTS = '/var/lib/cni/results';
const sandboxIds = new Set<string>();
const timings: Record<string, number> = {};

async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await f();
  } finally {
    timings[name] = Date.now() - t;
  }
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** CNI's cached results for this test's network and for containerd's loopback of this test's sandboxes. */
function cniResults(): string[] {
  if (!fs.existsSync(CNI_RESULTS)) return [];
  return fs.readdirSync(CNI_RESULTS).filter((f) => f.startsWith(`${NETWORK}-`) || [...sandboxIds].some((id) => f === `cni-loopback-${id}-lo`));
}

function processGroup(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function bridgeExists(): boolean {
  try {
    run('ip', ['link', 'show', BRIDGE]);
    return true;
  } catch {
    return false;
  }
}

describe('containerd managed for a node: images from a local registry, a pod on the CNI bridge', () => {
  let registry: TestRegistry;
  let images: Awaited<ReturnType<typeof ensureImages>>;
  let dir: string;
  let containerd: ManagedContainerd;
  let containerdOptions: ManagedContainerdOptions;
  let cri: CriClient;
  const events: ManagedContainerdEvent[] = [];

  const sandboxConfig: PodSandboxConfig = {
    metadata: { name: 'web', uid: `uid-${process.pid}`, namespace: 'default', attempt: 0 },
    hostname: 'web',
    logDirectory: '',
    labels: { app: 'web' },
  };
  let sandboxId = '';
  let containerId = '';
  let podIp = '';

  beforeAll(async () => {
    requireRuntime(() => undefined);
    if (run('ip', ['route', 'show', POD_CIDR]).trim() !== '') {
      throw new Error(`a route to ${POD_CIDR} exists already (another test's bridge?); this test needs the CIDR to itself`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-ctd-'));
    sandboxConfig.logDirectory = path.join(dir, 'pods', 'web');
    registry = await TestRegistry.start();
    images = await timed('ensureImages', () => ensureImages({ registry: registry.url }));
    const cniConfDir = path.join(dir, 'net.d');
    writePodNetworkConfig(cniConfDir, { podCidr: POD_CIDR, bridgeName: BRIDGE, networkName: NETWORK, ipamDataDir: path.join(dir, 'ipam') });
    containerdOptions = { dir, cniConfDir, registryMirror: registry.url, restartBackoff: { initialMs: 100, maxMs: 1000 } };
    containerd = new ManagedContainerd(containerdOptions);
    containerd.on('event', (e: ManagedContainerdEvent) => events.push(e));
    await timed('containerdStart', () => containerd.start());
    cri = new CriClient(containerd.endpoint);
  });

  afterAll(async () => {
    try {
      if (cri && containerd?.running) {
        for (const c of await cri.listContainers()) await cri.removeContainer(c.id).catch(() => undefined);
        for (const s of await cri.listPodSandbox()) {
          sandboxIds.add(s.id);
          await cri.stopPodSandbox(s.id).catch(() => undefined);
          await cri.removePodSandbox(s.id).catch(() => undefined);
        }
      }
    } finally {
      cri?.close();
      await containerd?.stop();
      await registry?.destroy();
      if (bridgeExists()) run('ip', ['link', 'del', BRIDGE]);
      for (const f of cniResults()) fs.rmSync(path.join(CNI_RESULTS, f), { force: true });
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      if (process.env.SKIFF_TIMINGS) {
        const sizes = images?.map((i) => `${i.name} ${i.size} B (${i.unpackedSize} B unpacked)`).join(', ');
        process.stdout.write(`timings (ms): ${JSON.stringify(timings)}; images: ${sizes}; containerd events: ${JSON.stringify(events)}\n`);
      }
    }
  });

  it('starts containerd with its CRI service, runc and the CNI network ready', async () => {
    expect(containerd.endpoint).toBe(`unix://${dir}/containerd.sock`);
    expect(events[0]).toMatchObject({ type: 'started', pid: containerd.pid });
    // Its own process group: a Ctrl-C aimed at ours does not reach it.
    expect(processGroup(containerd.pid)).toBe(containerd.pid);
    expect(processGroup(containerd.pid)).not.toBe(processGroup(process.pid));
    const version = await cri.version();
    expect(version).toMatchObject({ runtimeName: 'containerd', runtimeApiVersion: 'v1' });
    const status = await cri.status();
    const conditions = Object.fromEntries(status.status.conditions.map((c) => [c.type, c.status]));
    expect(conditions).toEqual({ RuntimeReady: true, NetworkReady: true });
    // containerd itself reads back the settings that matter from the generated file.
    const dumped = run(containerdBinary(), ['--config', containerd.configFile, 'config', 'dump']);
    for (const line of ['restrict_oom_score_adj = true', 'SystemdCgroup = false', `conf_dir = "${dir}/net.d"`, `config_path = "${dir}/certs.d"`]) {
      expect(dumped).toContain(line);
    }
  });

  it('pulls busybox through the docker.io mirror and the sandbox image through the registry.k8s.io mirror', async () => {
    const busybox = images.find((i) => i.name === 'busybox')!;
    const imageRef = await timed('pullBusybox', () => cri.pullImage({ image: 'busybox' }));
    expect(imageRef).toBe(busybox.configDigest);
    const status = await cri.imageStatus({ image: 'busybox' });
    expect(status?.repoTags).toContain('docker.io/library/busybox:latest');
    expect(status?.repoDigests).toContain(`docker.io/library/busybox@${busybox.digest}`);

    const pause = images.find((i) => i.name === 'pause')!;
    expect(await cri.imageStatus({ image: 'registry.k8s.io/pause:3.9' })).toBeUndefined();
    expect(await timed('pullPause', () => cri.pullImage({ image: 'registry.k8s.io/pause:3.9' }))).toBe(pause.configDigest);
  });

  it('runs a pod whose httpd answers on its pod IP from the host', async () => {
    sandboxId = await timed('runPodSandbox', () => cri.runPodSandbox(sandboxConfig));
    sandboxIds.add(sandboxId);
    expect(cniResults().sort()).toEqual([`${NETWORK}-${sandboxId}-eth0`, `cni-loopback-${sandboxId}-lo`].sort());
    const sandbox = await cri.podSandboxStatus(sandboxId);
    expect(sandbox.state).toBe('SANDBOX_READY');
    podIp = sandbox.network?.ip ?? '';
    expect(podIp).toMatch(/^10\.244\.250\.\d+$/);
    expect(run('ip', ['-4', 'addr', 'show', BRIDGE])).toContain('10.244.250.1/24');

    const config: ContainerConfig = {
      metadata: { name: 'httpd', attempt: 0 },
      image: { image: 'busybox' },
      command: ['sh', '-c', 'echo "hello from $(hostname)" > /var/www/index.html && exec httpd -f -p 8080 -h /var/www'],
      logPath: 'httpd/0.log',
    };
    containerId = await timed('createContainer', () => cri.createContainer(sandboxId, config, sandboxConfig));
    await timed('startContainer', () => cri.startContainer(containerId));
    const status = await cri.containerStatus(containerId);
    expect(status.state).toBe('CONTAINER_RUNNING');
    // The image a container runs is reported by repo digest (a pod's status.containerStatuses[].imageID).
    expect(status.imageRef).toBe(`docker.io/library/busybox@${images.find((i) => i.name === 'busybox')!.digest}`);

    const body = await timed('httpAnswers', () =>
      waitFor(
        async () => {
          const res = await fetch(`http://${podIp}:8080/`, { signal: AbortSignal.timeout(1000) });
          return res.ok ? res.text() : undefined;
        },
        { timeoutMs: 15_000, what: `httpd on ${podIp}:8080` },
      ),
    );
    expect(body).toBe('hello from web\n');
  });

  it('leaves the pod running while containerd is stopped, and a new containerd finds it', async () => {
    const before = await cri.containerStatus(containerId);
    const oldPid = containerd.pid;
    await timed('containerdStop', () => containerd.stop());
    expect(containerd.running).toBe(false);
    expect(() => process.kill(oldPid, 0)).toThrow();
    const res = await fetch(`http://${podIp}:8080/`, { signal: AbortSignal.timeout(5000) });
    expect(await res.text()).toBe('hello from web\n');

    await timed('containerdRestart', () => containerd.start());
    expect(containerd.pid).not.toBe(oldPid);
    const after = await cri.containerStatus(containerId);
    expect(after.state).toBe('CONTAINER_RUNNING');
    expect(after.startedAt).toBe(before.startedAt);
    expect((await cri.podSandboxStatus(sandboxId)).state).toBe('SANDBOX_READY');
  });

  it('starts containerd again when it dies on its own', async () => {
    const oldPid = containerd.pid;
    const restartsBefore = containerd.restarts;
    process.kill(oldPid, 'SIGKILL');
    await waitFor(() => containerd.restarts === restartsBefore + 1 && containerd.running && containerd.pid !== oldPid, {
      timeoutMs: 20_000,
      what: 'containerd to be restarted',
    });
    await waitFor(async () => (await cri.containerStatus(containerId)).state === 'CONTAINER_RUNNING', { what: 'the container after the restart' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['exited', 'restart-scheduled']));
    // CRI may answer a moment before the readiness poll that reports 'started' does.
    await waitFor(() => events.at(-1)?.type === 'started', { what: "the restarted containerd's started event" });
    expect(events.at(-1)).toMatchObject({ type: 'started', pid: containerd.pid });
  });

  it('takes over from a containerd left behind by an earlier process on the same folder', async () => {
    await containerd.stop();
    // What a kubelet that died without stopping its containerd leaves: a running containerd and its pid file.
    const leftover = spawn(containerdBinary(), ['--config', containerd.configFile], { detached: true, stdio: 'ignore' });
    fs.writeFileSync(containerd.pidFile, `${leftover.pid}\n`);
    const leftoverExited = new Promise((resolve) => leftover.once('exit', resolve));
    await waitFor(async () => (await cri.version()).runtimeName === 'containerd', { timeoutMs: 20_000, what: 'the leftover containerd' });

    const successor = new ManagedContainerd(containerdOptions);
    successor.on('event', (e: ManagedContainerdEvent) => events.push(e));
    await successor.start();
    containerd = successor;
    await leftoverExited;
    expect(successor.pid).not.toBe(leftover.pid);
    expect(fs.readFileSync(successor.pidFile, 'utf8').trim()).toBe(String(successor.pid));
    await waitFor(async () => (await cri.containerStatus(containerId)).state === 'CONTAINER_RUNNING', { what: 'the container under the new containerd' });
  });

  it('stops and removes the pod, giving its address back', async () => {
    const allocations = path.join(dir, 'ipam', NETWORK);
    expect(fs.readdirSync(allocations)).toContain(podIp);
    await cri.stopContainer(containerId, 5);
    expect((await cri.containerStatus(containerId)).state).toBe('CONTAINER_EXITED');
    await cri.removeContainer(containerId);
    await cri.stopPodSandbox(sandboxId);
    await cri.removePodSandbox(sandboxId);
    expect(await cri.listContainers()).toEqual([]);
    expect(await cri.listPodSandbox()).toEqual([]);
    expect(fs.readdirSync(allocations)).not.toContain(podIp);
    expect(cniResults()).toEqual([]);
  });
});

describe('ManagedContainerd in a network namespace', () => {
  const netns = `sktest-${process.pid}`;
  let dir: string;
  let containerd: ManagedContainerd | undefined;

  beforeAll(() => {
    requireRuntime(() => undefined);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-ctdns-'));
    run('ip', ['netns', 'add', netns]);
  });

  afterAll(async () => {
    await containerd?.stop();
    run('ip', ['netns', 'delete', netns]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs containerd inside the namespace, where its CNI bridge would be made', async () => {
    containerd = new ManagedContainerd({ dir, cniConfDir: path.join(dir, 'net.d'), netns });
    await containerd.start();
    expect(fs.statSync(`/proc/${containerd.pid}/ns/net`).ino).toBe(fs.statSync(`/var/run/netns/${netns}`).ino);
    expect(fs.statSync(`/proc/${containerd.pid}/ns/net`).ino).not.toBe(fs.statSync('/proc/self/ns/net').ino);
    const cri = new CriClient(containerd.endpoint);
    try {
      expect((await cri.version()).runtimeName).toBe('containerd');
    } finally {
      cri.close();
    }
  });

  it('refuses a namespace that does not exist', async () => {
    const missing = new ManagedContainerd({ dir: path.join(dir, 'other'), cniConfDir: path.join(dir, 'net.d'), netns: 'skiff-no-such-netns' });
    await expect(missing.start()).rejects.toThrow('network namespace /var/run/netns/skiff-no-such-netns does not exist');
  });
});
