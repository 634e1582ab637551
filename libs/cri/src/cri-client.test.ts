import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CriClient, criTarget } from './cri-client';
import { FakeCriServer } from './fake-cri-server';
import { InMemoryRuntime } from './in-memory-runtime';
import { CriError, type ContainerConfig, type ContainerRuntime, type PodSandboxConfig } from './types';

// CriClient → gRPC over a unix socket → FakeCriServer → InMemoryRuntime: every RPC's request and response
// crosses the real protobuf encoding, so what the client reads must equal what the runtime answers directly.

const startMs = Date.parse('2024-05-01T10:00:00.123Z');
let nowMs = startMs;
let runtime: InMemoryRuntime;
let server: FakeCriServer;
let client: CriClient;

const sandboxConfig: PodSandboxConfig = {
  metadata: { name: 'web-1', uid: 'uid-1', namespace: 'default', attempt: 2 },
  hostname: 'web-1',
  logDirectory: '/var/log/pods/default_web-1_uid-1',
  dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] },
  portMappings: [
    { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
    { protocol: 'TCP', containerPort: 80 },
  ],
  labels: { 'io.kubernetes.pod.name': 'web-1', app: 'web' },
  annotations: { 'kubernetes.io/config.seen': '2024-05-01T10:00:00Z' },
  linux: {
    cgroupParent: '/kubepods/besteffort/poduid-1',
    securityContext: {
      namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
      runAsUser: { value: 0 },
      supplementalGroups: [1000, 2000],
    },
    sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
  },
};

const containerConfig: ContainerConfig = {
  metadata: { name: 'nginx', attempt: 1 },
  image: { image: 'docker.io/library/busybox:latest' },
  command: ['/bin/sh', '-c'],
  args: ['httpd -f -p 80'],
  workingDir: '/www',
  envs: [
    { key: 'GREETING', value: 'héllo wörld' },
    { key: 'EMPTY', value: '' },
  ],
  mounts: [
    { containerPath: '/etc/hosts', hostPath: '/var/lib/kubelet/pods/uid-1/etc-hosts', readonly: true },
    { containerPath: '/data', hostPath: '/srv/data', propagation: 'PROPAGATION_HOST_TO_CONTAINER', selinuxRelabel: true },
  ],
  labels: { 'io.kubernetes.container.name': 'nginx' },
  annotations: { 'io.kubernetes.container.restartCount': '1' },
  logPath: 'nginx/1.log',
  stdin: true,
  stdinOnce: true,
  tty: false,
  linux: {
    resources: {
      cpuPeriod: 100000,
      cpuQuota: 50000,
      cpuShares: 512,
      memoryLimitInBytes: 6 * 1024 * 1024 * 1024,
      oomScoreAdj: -997,
    },
    securityContext: {
      capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] },
      privileged: false,
      runAsUser: { value: 1000 },
      runAsGroup: { value: 0 },
      readonlyRootfs: true,
      noNewPrivs: true,
      supplementalGroups: [3000],
      namespaceOptions: { network: 'POD', pid: 'TARGET', ipc: 'POD', targetId: 'abc' },
    },
  },
};

beforeEach(async () => {
  nowMs = startMs;
  runtime = new InMemoryRuntime({ clock: { now: () => nowMs }, images: ['busybox', { ref: 'registry.k8s.io/pause:3.9', size: 311_000 }] });
  server = new FakeCriServer(runtime);
  client = new CriClient(await server.start());
});

afterEach(async () => {
  client.close();
  await server.stop();
});

async function runningContainer(): Promise<{ sandboxId: string; containerId: string }> {
  const sandboxId = await client.runPodSandbox(sandboxConfig);
  const containerId = await client.createContainer(sandboxId, containerConfig, sandboxConfig);
  nowMs += 1500;
  await client.startContainer(containerId);
  return { sandboxId, containerId };
}

/** The arguments the runtime received for the last call of `method`. */
function received(method: keyof ContainerRuntime): unknown[] {
  const call = [...runtime.calls].reverse().find((c) => c.method === method);
  if (!call) throw new Error(`no ${method} call`);
  return call.args;
}

describe('CriClient against FakeCriServer', () => {
  it('Version and Status', async () => {
    expect(await client.version()).toEqual({
      version: '0.1.0',
      runtimeName: 'skiff-in-memory',
      runtimeVersion: '0.1.0',
      runtimeApiVersion: 'v1',
    });
    runtime.setCondition('NetworkReady', false, 'NetworkPluginNotReady', 'cni plugin not initialized');
    const status = await client.status();
    expect(status.status.conditions).toEqual([
      { type: 'RuntimeReady', status: true, reason: '', message: '' },
      { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'cni plugin not initialized' },
    ]);
    expect(status.info).toEqual({});
    expect((await client.status(true)).info.config).toContain('10.88.0.0/16');
    expect(received('status')).toEqual([true]);
  });

  it('RunPodSandbox sends the whole sandbox config: maps, enums, repeated int64, wrapper values', async () => {
    const id = await client.runPodSandbox(sandboxConfig, 'runc');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const [config, handler] = received('runPodSandbox');
    expect(config).toMatchObject(sandboxConfig);
    expect(handler).toBe('runc');
    // Unset wrappers stay unset rather than arriving as zero: runAsGroup was not sent.
    expect((config as PodSandboxConfig).linux?.securityContext?.runAsGroup).toBeUndefined();
    expect((config as PodSandboxConfig).linux?.securityContext?.runAsUser).toEqual({ value: 0 });
  });

  it('PodSandboxStatus and ListPodSandbox carry ids, enums, int64 nanosecond timestamps and maps', async () => {
    const id = await client.runPodSandbox(sandboxConfig);
    const status = await client.podSandboxStatus(id);
    expect(status).toEqual(await runtime.podSandboxStatus(id));
    expect(status).toMatchObject({
      id,
      metadata: { name: 'web-1', uid: 'uid-1', namespace: 'default', attempt: 2 },
      state: 'SANDBOX_READY',
      createdAt: startMs * 1_000_000,
      network: { ip: '10.88.0.2', additionalIps: [] },
      linux: { namespaces: { options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', targetId: '' } } },
      labels: sandboxConfig.labels,
      annotations: sandboxConfig.annotations,
    });
    expect(await client.listPodSandbox()).toEqual(await runtime.listPodSandbox());
    expect(await client.listPodSandbox({ state: { state: 'SANDBOX_NOTREADY' } })).toEqual([]);
    expect(await client.listPodSandbox({ labelSelector: { app: 'web' } })).toHaveLength(1);
    expect(await client.listPodSandbox({ id: id.slice(0, 12) })).toHaveLength(1);
  });

  it('StopPodSandbox and RemovePodSandbox', async () => {
    const { sandboxId, containerId } = await runningContainer();
    await client.stopPodSandbox(sandboxId);
    expect((await client.podSandboxStatus(sandboxId)).state).toBe('SANDBOX_NOTREADY');
    expect((await client.containerStatus(containerId)).state).toBe('CONTAINER_EXITED');
    await client.removePodSandbox(sandboxId);
    expect(await client.listPodSandbox()).toEqual([]);
    expect(await client.listContainers()).toEqual([]);
    await expect(client.removePodSandbox(sandboxId)).resolves.toBeUndefined();
  });

  it('CreateContainer sends the whole container config and the sandbox config', async () => {
    const sandboxId = await client.runPodSandbox(sandboxConfig);
    const containerId = await client.createContainer(sandboxId, containerConfig, sandboxConfig);
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);
    const [sentSandboxId, config, sentSandboxConfig] = received('createContainer');
    expect(sentSandboxId).toBe(sandboxId);
    expect(config).toMatchObject(containerConfig);
    expect(sentSandboxConfig).toMatchObject(sandboxConfig);
    // 6 GiB does not fit in 32 bits: int64 must survive as a number.
    expect((config as ContainerConfig).linux?.resources?.memoryLimitInBytes).toBe(6 * 1024 ** 3);
    expect((config as ContainerConfig).linux?.resources?.oomScoreAdj).toBe(-997);
  });

  it('StartContainer, ContainerStatus and ListContainers', async () => {
    const { sandboxId, containerId } = await runningContainer();
    const status = await client.containerStatus(containerId);
    expect(status).toEqual(await runtime.containerStatus(containerId));
    expect(status).toMatchObject({
      id: containerId,
      metadata: { name: 'nginx', attempt: 1 },
      state: 'CONTAINER_RUNNING',
      createdAt: startMs * 1_000_000,
      startedAt: (startMs + 1500) * 1_000_000,
      finishedAt: 0,
      exitCode: 0,
      image: { image: 'docker.io/library/busybox:latest' },
      reason: '',
      labels: containerConfig.labels,
      annotations: containerConfig.annotations,
      logPath: '/var/log/pods/default_web-1_uid-1/nginx/1.log',
      mounts: [
        { containerPath: '/etc/hosts', hostPath: '/var/lib/kubelet/pods/uid-1/etc-hosts', readonly: true, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE' },
        { containerPath: '/data', hostPath: '/srv/data', readonly: false, selinuxRelabel: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
      ],
    });
    expect(status.imageRef).toMatch(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    // As containerd 1.6.20 reports them: an unset swap limit reads as the memory limit.
    expect(status.resources?.linux).toMatchObject({ memoryLimitInBytes: 6 * 1024 ** 3, memorySwapLimitInBytes: 6 * 1024 ** 3, oomScoreAdj: -997 });
    const listed = await client.listContainers({ podSandboxId: sandboxId, state: { state: 'CONTAINER_RUNNING' } });
    expect(listed).toEqual(await runtime.listContainers());
    expect(listed[0]).toMatchObject({ id: containerId, podSandboxId: sandboxId, state: 'CONTAINER_RUNNING' });
    expect(await client.listContainers({ state: { state: 'CONTAINER_CREATED' } })).toEqual([]);
    expect(await client.listContainers({ labelSelector: { 'io.kubernetes.container.name': 'other' } })).toEqual([]);
  });

  it('StopContainer sends its timeout; the exit reaches ContainerStatus', async () => {
    const { containerId } = await runningContainer();
    nowMs += 2000;
    await client.stopContainer(containerId, 30);
    expect(received('stopContainer')).toEqual([containerId, 30]);
    expect(await client.containerStatus(containerId)).toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 137,
      reason: 'Error',
      finishedAt: (startMs + 3500) * 1_000_000,
    });
  });

  it('RemoveContainer', async () => {
    const { containerId } = await runningContainer();
    await client.removeContainer(containerId);
    expect(await client.listContainers()).toEqual([]);
    await expect(client.removeContainer(containerId)).resolves.toBeUndefined();
  });

  it('ExecSync carries the command and binary stdout/stderr bytes', async () => {
    const { containerId } = await runningContainer();
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 10]);
    runtime.setExecHandler((_id, cmd) => ({ stdout: binary, stderr: `ran ${cmd.join(' ')}`, exitCode: 3 }));
    const result = await client.execSync(containerId, ['cat', '/proc/self/status'], 5);
    expect(Buffer.isBuffer(result.stdout)).toBe(true);
    expect(result.stdout.equals(binary)).toBe(true);
    expect(result.stderr.toString()).toBe('ran cat /proc/self/status');
    expect(result.exitCode).toBe(3);
    expect(received('execSync')).toEqual([containerId, ['cat', '/proc/self/status'], 5]);
    runtime.setExecHandler(() => ({}));
    const empty = await client.execSync(containerId, ['true'], 1);
    expect(empty).toEqual({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 });
  });

  it('ExecSync output larger than gRPC’s 4 MiB default arrives whole', async () => {
    const { containerId } = await runningContainer();
    const big = Buffer.alloc(6 * 1024 * 1024, 'x');
    runtime.setExecHandler(() => ({ stdout: big }));
    const result = await client.execSync(containerId, ['cat', 'big'], 5);
    expect(result.stdout.length).toBe(big.length);
  });

  it('Exec, Attach and PortForward return the streaming URL and send their flags', async () => {
    const { sandboxId, containerId } = await runningContainer();
    const execUrl = await client.exec({ containerId, cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false });
    expect(execUrl).toMatch(/^http:\/\/127\.0\.0\.1:10010\/exec\/[\w-]+$/);
    expect(received('exec')[0]).toEqual({ containerId, cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false });
    expect(await client.attach({ containerId, stdout: true, stderr: true })).toMatch(/\/attach\//);
    expect(received('attach')[0]).toEqual({ containerId, stdin: false, tty: false, stdout: true, stderr: true });
    expect(await client.portForward({ podSandboxId: sandboxId, port: [80, 8080] })).toMatch(/\/portforward\//);
    expect(received('portForward')[0]).toEqual({ podSandboxId: sandboxId, port: [80, 8080] });
  });

  it('ListContainerStats carries uint64 wrapper values', async () => {
    const { containerId } = await runningContainer();
    runtime.setContainerStats(containerId, { cpuUsageCoreNanoSeconds: 12_345_678_901_234, memoryWorkingSetBytes: 5 * 1024 ** 3 });
    const stats = await client.listContainerStats({ podSandboxId: (await client.listPodSandbox())[0].id });
    expect(stats).toEqual(await runtime.listContainerStats());
    expect(stats[0].attributes.id).toBe(containerId);
    expect(stats[0].cpu?.usageCoreNanoSeconds).toEqual({ value: 12_345_678_901_234 });
    expect(stats[0].memory?.workingSetBytes).toEqual({ value: 5 * 1024 ** 3 });
  });

  it('UpdateRuntimeConfig sends the pod CIDR', async () => {
    await client.updateRuntimeConfig('10.244.1.0/24');
    expect(received('updateRuntimeConfig')).toEqual(['10.244.1.0/24']);
    const id = await client.runPodSandbox(sandboxConfig);
    expect((await client.podSandboxStatus(id)).network?.ip).toBe('10.244.1.2');
  });

  it('ListImages, ImageStatus, PullImage, RemoveImage and ImageFsInfo', async () => {
    const images = await client.listImages();
    expect(images).toEqual(await runtime.listImages());
    expect(images.map((i) => i.repoTags)).toEqual([['docker.io/library/busybox:latest'], ['registry.k8s.io/pause:3.9']]);
    expect(images[1].size).toBe(311_000);
    expect(await client.imageStatus({ image: 'nginx:1.25' })).toBeUndefined();
    const ref = await client.pullImage(
      { image: 'nginx:1.25', annotations: { 'io.kubernetes.cri.pull': 'x' } },
      { username: 'u', password: 'p', serverAddress: 'docker.io' },
      sandboxConfig,
    );
    expect(ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [spec, auth, pullSandbox] = received('pullImage');
    expect(spec).toMatchObject({ image: 'nginx:1.25', annotations: { 'io.kubernetes.cri.pull': 'x' } });
    expect(auth).toMatchObject({ username: 'u', password: 'p', serverAddress: 'docker.io' });
    expect(pullSandbox).toMatchObject(sandboxConfig);
    const status = await client.imageStatus({ image: 'docker.io/library/nginx:1.25' });
    expect(status).toEqual(await runtime.imageStatus({ image: ref }));
    expect(status?.id).toBe(ref);
    await client.removeImage({ image: ref });
    expect(await client.imageStatus({ image: 'nginx:1.25' })).toBeUndefined();
    const fs = await client.imageFsInfo();
    expect(fs).toEqual([
      {
        timestamp: startMs * 1_000_000,
        fsId: { mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs' },
        usedBytes: { value: 2 * 1024 * 1024 + 311_000 },
        inodesUsed: { value: 2 },
      },
    ]);
  });
});

describe('CriClient errors', () => {
  it('maps the runtime’s NOT_FOUND with its message and the RPC name', async () => {
    const err = await client.containerStatus('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CriError);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      message: 'an error occurred when try to find container "missing": not found',
      method: 'ContainerStatus',
    });
    await expect(client.stopPodSandbox('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('passes injected codes through and turns plain errors into UNKNOWN', async () => {
    runtime.failNext('listContainers', new CriError('DEADLINE_EXCEEDED', 'context deadline exceeded'));
    await expect(client.listContainers()).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', message: 'context deadline exceeded' });
    runtime.failNext('version', new Error('boom'));
    await expect(client.version()).rejects.toMatchObject({ code: 'UNKNOWN', message: 'boom' });
    await expect(client.version()).resolves.toMatchObject({ runtimeApiVersion: 'v1' });
  });

  it('gives DEADLINE_EXCEEDED when the runtime does not answer in time', async () => {
    const silent = Object.create(runtime) as InMemoryRuntime;
    silent.status = () => new Promise(() => undefined);
    const slowServer = new FakeCriServer(silent);
    const slowClient = new CriClient(await slowServer.start(), { timeoutsMs: { status: 100 } });
    try {
      await expect(slowClient.status()).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', method: 'Status' });
    } finally {
      slowClient.close();
      await slowServer.stop();
    }
  });

  it('gives UNAVAILABLE when nothing listens on the socket', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cri-none-'));
    const nobody = new CriClient(path.join(dir, 'absent.sock'));
    try {
      await expect(nobody.version()).rejects.toMatchObject({ code: 'UNAVAILABLE', method: 'Version' });
    } finally {
      nobody.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a response larger than the receive limit with RESOURCE_EXHAUSTED', async () => {
    const { containerId } = await runningContainer();
    runtime.setExecHandler(() => ({ stdout: Buffer.alloc(2 * 1024 * 1024) }));
    const small = new CriClient(server.endpoint!, { maxReceiveMessageBytes: 1024 * 1024 });
    try {
      await expect(small.execSync(containerId, ['cat'], 5)).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    } finally {
      small.close();
    }
  });
});

describe('criTarget', () => {
  it('accepts unix URLs and bare absolute paths', () => {
    expect(criTarget('unix:///run/containerd/containerd.sock')).toBe('unix:///run/containerd/containerd.sock');
    expect(criTarget('unix:/run/c.sock')).toBe('unix:///run/c.sock');
    expect(criTarget('/run/c.sock')).toBe('unix:///run/c.sock');
  });

  it('rejects relative paths and other schemes with the endpoint named', () => {
    expect(() => criTarget('run/c.sock')).toThrow('"run/c.sock" must be unix:///absolute/path.sock');
    expect(() => criTarget('tcp://127.0.0.1:1234')).toThrow(/tcp:\/\/127\.0\.0\.1:1234/);
    expect(() => new CriClient('unix://relative.sock')).toThrow(/must be unix/);
  });

  it('adds the caller’s timeout to the StopContainer and ExecSync deadlines', () => {
    const c = new CriClient('/tmp/none.sock', { timeoutsMs: { stopContainer: 1000, execSync: 500 } });
    expect(c.deadlineMs('stopContainer', ['id', 30])).toBe(31_000);
    expect(c.deadlineMs('execSync', ['id', ['true'], 2])).toBe(2500);
    expect(c.deadlineMs('pullImage')).toBe(10 * 60_000);
    c.close();
  });
});
