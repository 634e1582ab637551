import type { InMemoryRuntimeOptions } from './in-memory-options';
import { InMemoryRuntime } from './in-memory-runtime';
import { CriError, type ContainerConfig, type PodSandboxConfig } from './types';

const t0 = Date.parse('2024-05-01T10:00:00Z');
let nowMs = t0;
const clock = { now: () => nowMs };

function newRuntime(options: InMemoryRuntimeOptions = {}): InMemoryRuntime {
  nowMs = t0;
  return new InMemoryRuntime({ clock, images: ['busybox'], ...options });
}

const sandbox = (name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig => ({
  metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 },
  hostname: name,
  labels: { app: name },
  ...extra,
});

const container = (name: string, extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
  metadata: { name },
  image: { image: 'busybox' },
  labels: { container: name },
  ...extra,
});

async function started(rt: InMemoryRuntime, name = 'app') {
  const podConfig = sandbox('pod');
  const sandboxId = await rt.runPodSandbox(podConfig);
  const containerId = await rt.createContainer(sandboxId, container(name), podConfig);
  await rt.startContainer(containerId);
  return { sandboxId, containerId, podConfig };
}

describe('InMemoryRuntime sandboxes', () => {
  it('runs sandboxes ready with pod IPs handed out in order from the CIDR', async () => {
    const rt = newRuntime();
    const a = await rt.runPodSandbox(sandbox('a'));
    nowMs += 10;
    const b = await rt.runPodSandbox(sandbox('b'));
    const statusA = await rt.podSandboxStatus(a);
    expect(statusA).toMatchObject({ state: 'SANDBOX_READY', createdAt: t0 * 1e6, network: { ip: '10.88.0.2' } });
    expect((await rt.podSandboxStatus(b)).network?.ip).toBe('10.88.0.3');
    expect((await rt.podSandboxStatus(b)).createdAt).toBe((t0 + 10) * 1e6);
  });

  it('stops a sandbox: NOTREADY, its running containers killed, its IP freed but not handed out again at once', async () => {
    const rt = newRuntime({ podCidr: '10.1.0.0/29' });
    const { sandboxId, containerId } = await started(rt);
    nowMs += 5000;
    await rt.stopPodSandbox(sandboxId);
    await rt.stopPodSandbox(sandboxId);
    expect(await rt.podSandboxStatus(sandboxId)).toMatchObject({ state: 'SANDBOX_NOTREADY', network: { ip: '' } });
    expect(await rt.containerStatus(containerId)).toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 137,
      reason: 'Error',
      finishedAt: (t0 + 5000) * 1e6,
    });
    const next = await rt.runPodSandbox(sandbox('other'));
    expect((await rt.podSandboxStatus(next)).network?.ip).toBe('10.1.0.3');
  });

  it('removes a sandbox with its containers; removing again or an unknown id is not an error', async () => {
    const rt = newRuntime();
    const { sandboxId, containerId } = await started(rt);
    await rt.removePodSandbox(sandboxId);
    await rt.removePodSandbox(sandboxId);
    await rt.removePodSandbox('never-existed');
    expect(await rt.listPodSandbox()).toEqual([]);
    await expect(rt.containerStatus(containerId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers NOT_FOUND for unknown sandboxes, with containerd’s wording', async () => {
    const rt = newRuntime();
    await expect(rt.podSandboxStatus('nope')).rejects.toThrow(
      new CriError('NOT_FOUND', 'an error occurred when try to find sandbox: not found'),
    );
    await expect(rt.stopPodSandbox('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'an error occurred when try to find sandbox "nope": not found',
    });
    await expect(rt.createContainer('nope', container('c'), sandbox('x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rt.portForward({ podSandboxId: 'nope', port: [80] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reserves the sandbox name until the sandbox is removed; a new attempt is a new name', async () => {
    const rt = newRuntime();
    const first = await rt.runPodSandbox(sandbox('web'));
    await expect(rt.runPodSandbox(sandbox('web'))).rejects.toThrow(
      `failed to reserve sandbox name "web_default_uid-web_0": name "web_default_uid-web_0" is reserved for "${first}"`,
    );
    const retry = sandbox('web');
    retry.metadata.attempt = 1;
    await expect(rt.runPodSandbox(retry)).resolves.toMatch(/^[0-9a-f]{64}$/);
    await rt.stopPodSandbox(first);
    await expect(rt.runPodSandbox(sandbox('web'))).rejects.toMatchObject({ code: 'UNKNOWN' });
    await rt.removePodSandbox(first);
    await expect(rt.runPodSandbox(sandbox('web'))).resolves.toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives host-network sandboxes no pod IP and refuses a hostname for them, as runc does', async () => {
    const rt = newRuntime();
    const hostNet = { linux: { securityContext: { namespaceOptions: { network: 'NODE' as const } } } };
    await expect(rt.runPodSandbox(sandbox('h', { ...hostNet }))).rejects.toThrow(/unable to set hostname without a private UTS namespace/);
    const id = await rt.runPodSandbox(sandbox('h', { ...hostNet, hostname: '' }));
    const status = await rt.podSandboxStatus(id);
    expect(status.network?.ip).toBe('');
    expect(status.linux?.namespaces?.options).toEqual({ network: 'NODE', pid: 'POD', ipc: 'POD', targetId: '' });
  });

  it('refuses runtime handlers it does not have', async () => {
    const rt = newRuntime({ runtimeHandlers: ['runc', 'kata'] });
    await expect(rt.runPodSandbox(sandbox('a'), 'gvisor')).rejects.toThrow('no runtime for "gvisor" is configured');
    const id = await rt.runPodSandbox(sandbox('a'), 'kata');
    expect((await rt.podSandboxStatus(id)).runtimeHandler).toBe('kata');
  });

  it('leaves a NOTREADY sandbox behind without CNI, removable only once CNI works, as containerd 1.6 does', async () => {
    const rt = newRuntime();
    rt.setCondition('NetworkReady', false, 'NetworkPluginNotReady', 'cni plugin not initialized');
    await expect(rt.runPodSandbox(sandbox('a'))).rejects.toThrow(/^failed to setup network for sandbox "[0-9a-f]{64}": cni plugin not initialized$/);
    const [leftover] = await rt.listPodSandbox();
    expect(leftover).toMatchObject({ state: 'SANDBOX_NOTREADY', metadata: { name: 'a' }, createdAt: -6795364578871345000 });
    await expect(rt.stopPodSandbox(leftover.id)).rejects.toThrow(`failed to destroy network for sandbox "${leftover.id}": cni plugin not initialized`);
    await expect(rt.removePodSandbox(leftover.id)).rejects.toThrow(`failed to forcibly stop sandbox "${leftover.id}": failed to destroy network`);
    await expect(rt.runPodSandbox(sandbox('a'))).rejects.toThrow(/is reserved for/);
    rt.setCondition('NetworkReady', true);
    await rt.removePodSandbox(leftover.id);
    await expect(rt.runPodSandbox(sandbox('a'))).resolves.toBeTruthy();
  });

  it('cannot stop a running sandbox while CNI is gone', async () => {
    const rt = newRuntime();
    const id = await rt.runPodSandbox(sandbox('a'));
    rt.setCondition('NetworkReady', false);
    await expect(rt.stopPodSandbox(id)).rejects.toThrow('cni plugin not initialized');
    rt.setCondition('NetworkReady', true);
    await rt.stopPodSandbox(id);
    rt.setCondition('NetworkReady', false);
    await expect(rt.stopPodSandbox(id)).resolves.toBeUndefined();
  });

  it('runs out of pod IPs with host-local’s error', async () => {
    const rt = newRuntime({ podCidr: '10.2.0.0/30' });
    await rt.runPodSandbox(sandbox('a'));
    await expect(rt.runPodSandbox(sandbox('b'))).rejects.toThrow(
      'plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.2.0.2-10.2.0.2',
    );
    // CNI worked, so the half-made sandbox was cleaned up: nothing left, the name free again.
    expect((await rt.listPodSandbox()).map((s) => s.metadata.name)).toEqual(['a']);
    await expect(rt.runPodSandbox(sandbox('b'))).rejects.toThrow(/no IP addresses available/);
  });

  it('takes pod IPs from the CIDR UpdateRuntimeConfig names, keeping addresses already held', async () => {
    const rt = newRuntime();
    const old = await rt.runPodSandbox(sandbox('old'));
    await rt.updateRuntimeConfig('10.244.3.0/24');
    await rt.updateRuntimeConfig('');
    const fresh = await rt.runPodSandbox(sandbox('new'));
    expect((await rt.podSandboxStatus(old)).network?.ip).toBe('10.88.0.2');
    expect((await rt.podSandboxStatus(fresh)).network?.ip).toBe('10.244.3.2');
    await expect(rt.updateRuntimeConfig('10.0.0.0/33')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('filters sandbox lists by id prefix, state and labels', async () => {
    const rt = newRuntime();
    const a = await rt.runPodSandbox(sandbox('a'));
    const b = await rt.runPodSandbox(sandbox('b'));
    await rt.stopPodSandbox(b);
    const ids = async (f: Parameters<InMemoryRuntime['listPodSandbox']>[0]) => (await rt.listPodSandbox(f)).map((s) => s.id);
    expect(await ids(undefined)).toEqual([a, b]);
    expect(await ids({ id: b.slice(0, 8) })).toEqual([b]);
    expect(await ids({ id: 'zzz' })).toEqual([]);
    expect(await ids({ state: { state: 'SANDBOX_READY' } })).toEqual([a]);
    expect(await ids({ labelSelector: { app: 'b' } })).toEqual([b]);
    expect(await ids({ labelSelector: { app: 'b' }, state: { state: 'SANDBOX_READY' } })).toEqual([]);
  });
});

describe('InMemoryRuntime containers', () => {
  it('moves a container created → running with timestamps from the clock', async () => {
    const rt = newRuntime();
    const podConfig = sandbox('pod');
    const sandboxId = await rt.runPodSandbox(podConfig);
    nowMs += 100;
    const id = await rt.createContainer(sandboxId, container('app', { logPath: 'app/0.log' }), podConfig);
    expect(await rt.containerStatus(id)).toMatchObject({ state: 'CONTAINER_CREATED', createdAt: (t0 + 100) * 1e6, startedAt: 0 });
    nowMs += 100;
    await rt.startContainer(id);
    expect(await rt.containerStatus(id)).toMatchObject({
      state: 'CONTAINER_RUNNING',
      startedAt: (t0 + 200) * 1e6,
      finishedAt: 0,
      image: { image: 'docker.io/library/busybox:latest' },
      logPath: 'app/0.log',
    });
    await expect(rt.startContainer(id)).rejects.toThrow(
      `failed to set starting state for container "${id}": container is in CONTAINER_RUNNING state`,
    );
  });

  it('ends a running container with exitContainer: Completed for 0, Error otherwise, or the reason given', async () => {
    const rt = newRuntime();
    const { sandboxId, podConfig } = await started(rt, 'first');
    const ids: string[] = [];
    for (const name of ['zero', 'one', 'oom']) {
      const id = await rt.createContainer(sandboxId, container(name), podConfig);
      await rt.startContainer(id);
      ids.push(id);
    }
    nowMs += 3000;
    rt.exitContainer(ids[0], 0);
    rt.exitContainer(ids[1], 1);
    rt.exitContainer(ids[2], 137, 'OOMKilled', 'memory limit reached');
    expect(await rt.containerStatus(ids[0])).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 0, reason: 'Completed', finishedAt: (t0 + 3000) * 1e6 });
    expect(await rt.containerStatus(ids[1])).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(await rt.containerStatus(ids[2])).toMatchObject({ exitCode: 137, reason: 'OOMKilled', message: 'memory limit reached' });
    expect(() => rt.exitContainer(ids[0], 2)).toThrow(/not running/);
    expect(() => rt.exitContainer('nope', 2)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('lets a started container exit at once through startBehaviour', async () => {
    const rt = newRuntime({
      startBehaviour: (c) => (c.config.metadata.name === 'job' ? { exitCode: 0 } : c.config.metadata.name === 'crash' ? { exitCode: 2, reason: 'Error' } : 'run'),
    });
    const podConfig = sandbox('pod');
    const sandboxId = await rt.runPodSandbox(podConfig);
    const states: Record<string, unknown> = {};
    for (const name of ['job', 'crash', 'server']) {
      const id = await rt.createContainer(sandboxId, container(name), podConfig);
      await rt.startContainer(id);
      const s = await rt.containerStatus(id);
      states[name] = [s.state, s.exitCode, s.reason];
    }
    expect(states).toEqual({
      job: ['CONTAINER_EXITED', 0, 'Completed'],
      crash: ['CONTAINER_EXITED', 2, 'Error'],
      server: ['CONTAINER_RUNNING', 0, ''],
    });
    rt.setStartBehaviour(() => ({ exitCode: 9 }));
    const later = await rt.createContainer(sandboxId, container('later'), podConfig);
    await rt.startContainer(later);
    expect((await rt.containerStatus(later)).exitCode).toBe(9);
  });

  it('stops with 143 when the process handles SIGTERM and the grace period allows it, else 137', async () => {
    const rt = newRuntime({ handlesSigterm: (c) => c.config.metadata.name !== 'stubborn' });
    const { sandboxId, containerId, podConfig } = await started(rt, 'polite');
    const stubborn = await rt.createContainer(sandboxId, container('stubborn'), podConfig);
    await rt.startContainer(stubborn);
    const hurried = await rt.createContainer(sandboxId, container('hurried'), podConfig);
    await rt.startContainer(hurried);
    await rt.stopContainer(containerId, 30);
    await rt.stopContainer(stubborn, 30);
    await rt.stopContainer(hurried, 0);
    expect((await rt.containerStatus(containerId)).exitCode).toBe(143);
    expect((await rt.containerStatus(stubborn)).exitCode).toBe(137);
    expect((await rt.containerStatus(hurried)).exitCode).toBe(137);
    await rt.stopContainer(containerId, 30);
    expect((await rt.containerStatus(containerId)).exitCode).toBe(143);
  });

  it('leaves a created container alone on stop, as containerd does', async () => {
    const rt = newRuntime();
    const podConfig = sandbox('pod');
    const sandboxId = await rt.runPodSandbox(podConfig);
    const id = await rt.createContainer(sandboxId, container('c'), podConfig);
    await rt.stopContainer(id, 10);
    expect((await rt.containerStatus(id)).state).toBe('CONTAINER_CREATED');
  });

  it('refuses to create without the image, in a stopped sandbox, or twice under one name', async () => {
    const rt = newRuntime();
    const podConfig = sandbox('pod');
    const sandboxId = await rt.runPodSandbox(podConfig);
    await expect(rt.createContainer(sandboxId, container('c', { image: { image: 'nginx' } }), podConfig)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'failed to resolve image "nginx": not found',
    });
    const first = await rt.createContainer(sandboxId, container('c'), podConfig);
    await expect(rt.createContainer(sandboxId, container('c'), podConfig)).rejects.toThrow(
      `failed to reserve container name "c_pod_default_uid-pod_0": name "c_pod_default_uid-pod_0" is reserved for "${first}"`,
    );
    await expect(rt.createContainer(sandboxId, container('c', { metadata: { name: 'c', attempt: 1 } }), podConfig)).resolves.toBeTruthy();
    await rt.removeContainer(first);
    await expect(rt.createContainer(sandboxId, container('c'), podConfig)).resolves.toBeTruthy();
    await rt.stopPodSandbox(sandboxId);
    await expect(rt.createContainer(sandboxId, container('d'), podConfig)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `failed to get sandbox container task: no running task found: task ${sandboxId} not found: not found`,
    });
  });

  it('removes running containers by force and ignores unknown ids', async () => {
    const rt = newRuntime();
    const { containerId } = await started(rt);
    await rt.removeContainer(containerId);
    await rt.removeContainer(containerId);
    expect(await rt.listContainers()).toEqual([]);
    await expect(rt.stopContainer(containerId, 1)).rejects.toThrow(`an error occurred when try to find container "${containerId}": not found`);
  });

  it('filters container lists by id prefix, state, sandbox and labels', async () => {
    const rt = newRuntime();
    const { sandboxId, containerId, podConfig } = await started(rt, 'a');
    const created = await rt.createContainer(sandboxId, container('b'), podConfig);
    const otherConfig = sandbox('other');
    const other = await rt.runPodSandbox(otherConfig);
    const elsewhere = await rt.createContainer(other, container('a'), otherConfig);
    const ids = async (f: Parameters<InMemoryRuntime['listContainers']>[0]) => (await rt.listContainers(f)).map((c) => c.id);
    expect(await ids(undefined)).toEqual([containerId, created, elsewhere]);
    expect(await ids({ id: created.slice(0, 10) })).toEqual([created]);
    expect(await ids({ state: { state: 'CONTAINER_CREATED' } })).toEqual([created, elsewhere]);
    expect(await ids({ podSandboxId: other.slice(0, 10) })).toEqual([elsewhere]);
    expect(await ids({ labelSelector: { container: 'a' } })).toEqual([containerId, elsewhere]);
    expect(await ids({ podSandboxId: sandboxId, labelSelector: { container: 'a' } })).toEqual([containerId]);
  });

  it('reports stats for running containers only', async () => {
    const rt = newRuntime();
    const { sandboxId, containerId, podConfig } = await started(rt);
    await rt.createContainer(sandboxId, container('idle'), podConfig);
    rt.setContainerStats(containerId, { cpuUsageNanoCores: 250_000_000, memoryWorkingSetBytes: 42 });
    const stats = await rt.listContainerStats();
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({
      attributes: { id: containerId, metadata: { name: 'app', attempt: 0 } },
      cpu: { timestamp: t0 * 1e6, usageNanoCores: { value: 250_000_000 } },
      memory: { workingSetBytes: { value: 42 } },
    });
  });
});

describe('InMemoryRuntime exec and streaming', () => {
  it('runs ExecSync through the handler, only in running containers', async () => {
    const rt = newRuntime();
    const { containerId } = await started(rt);
    expect(await rt.execSync(containerId, ['true'], 1)).toEqual({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 });
    const seen: unknown[] = [];
    rt.setExecHandler(async (id, cmd, timeout) => {
      seen.push([id, cmd, timeout]);
      return { stdout: 'ok\n', exitCode: 1 };
    });
    expect(await rt.execSync(containerId, ['cat', '/ready'], 3)).toEqual({ stdout: Buffer.from('ok\n'), stderr: Buffer.alloc(0), exitCode: 1 });
    expect(seen).toEqual([[containerId, ['cat', '/ready'], 3]]);
    rt.exitContainer(containerId, 0);
    await expect(rt.execSync(containerId, ['true'], 1)).rejects.toThrow('failed to exec in container: container is in CONTAINER_EXITED state');
    await expect(rt.execSync('nope', ['true'], 1)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'failed to exec in container: failed to find container "nope" in store: not found',
    });
  });

  it('validates Exec and Attach requests as the CRI streaming server does', async () => {
    const rt = newRuntime({ streamingUrl: (kind, token) => `http://10.0.0.1:10250/cri/${kind}/${token}` });
    const { sandboxId, containerId } = await started(rt);
    await expect(rt.exec({ containerId, cmd: ['sh'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'one of stdin, stdout, or stderr must be set',
    });
    await expect(rt.exec({ containerId, cmd: ['sh'], tty: true, stdout: true, stderr: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rt.exec({ containerId, cmd: [], stdout: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rt.exec({ containerId: 'nope', cmd: ['sh'], stdout: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await rt.exec({ containerId, cmd: ['sh'], stdout: true })).toMatch(/^http:\/\/10\.0\.0\.1:10250\/cri\/exec\/[\w-]+$/);
    expect(await rt.attach({ containerId, stdout: true })).toMatch(/\/cri\/attach\//);
    expect(await rt.portForward({ podSandboxId: sandboxId, port: [80] })).toMatch(/\/cri\/portforward\//);
    rt.markSandboxNotReady(sandboxId);
    await expect(rt.portForward({ podSandboxId: sandboxId, port: [80] })).rejects.toThrow('sandbox container is not running');
  });
});

describe('InMemoryRuntime images', () => {
  it('pulls unknown images by default and finds them by short name, full name, id and digest', async () => {
    const rt = newRuntime({ images: [] });
    const ref = await rt.pullImage({ image: 'nginx:1.25' });
    expect(ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await rt.pullImage({ image: 'docker.io/library/nginx:1.25' })).toBe(ref);
    const image = await rt.imageStatus({ image: 'nginx:1.25' });
    expect(image).toMatchObject({ id: ref, repoTags: ['docker.io/library/nginx:1.25'], pinned: false });
    expect((await rt.imageStatus({ image: ref }))?.id).toBe(ref);
    expect((await rt.imageStatus({ image: ref.slice('sha256:'.length) }))?.id).toBe(ref);
    expect((await rt.imageStatus({ image: image!.repoDigests[0] }))?.id).toBe(ref);
    expect(await rt.imageStatus({ image: 'nginx:1.26' })).toBeUndefined();
    expect(await rt.imageStatus({ image: 'nginx' })).toBeUndefined();
  });

  it('fails pulls of unknown images when told to, and pulls set to fail', async () => {
    const rt = newRuntime({ pullUnknownImages: false, images: ['registry.k8s.io/pause:3.9'] });
    await expect(rt.pullImage({ image: 'nginx' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rt.pullImage({ image: 'registry.k8s.io/pause:3.9' })).resolves.toMatch(/^sha256:/);
    rt.setPullError('docker.io/library/busybox', new CriError('UNKNOWN', 'pull access denied'));
    await expect(rt.pullImage({ image: 'busybox:latest' })).rejects.toThrow('pull access denied');
    rt.setPullError('busybox', undefined);
    await expect(rt.pullImage({ image: 'busybox' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects references that do not parse', async () => {
    const rt = newRuntime();
    await expect(rt.pullImage({ image: 'UPPER/case' })).rejects.toThrow('invalid reference format');
    await expect(rt.pullImage({ image: '' })).rejects.toThrow('invalid reference format');
  });

  it('removes images by any name, idempotently, and lists and sizes what is left', async () => {
    const rt = newRuntime({ images: ['busybox', { ref: 'registry.k8s.io/pause:3.9', size: 300 }] });
    expect((await rt.listImages()).map((i) => i.repoTags[0])).toEqual(['docker.io/library/busybox:latest', 'registry.k8s.io/pause:3.9']);
    expect((await rt.listImages({ image: { image: 'registry.k8s.io/pause:3.9' } })).map((i) => i.size)).toEqual([300]);
    await rt.removeImage({ image: 'busybox' });
    await rt.removeImage({ image: 'busybox' });
    expect((await rt.listImages()).map((i) => i.repoTags[0])).toEqual(['registry.k8s.io/pause:3.9']);
    expect((await rt.imageFsInfo())[0]).toMatchObject({ usedBytes: { value: 300 }, inodesUsed: { value: 1 } });
  });
});

describe('InMemoryRuntime test controls', () => {
  it('fails the next call of a method once, before any state changes, and logs every call', async () => {
    const rt = newRuntime();
    rt.failNext('runPodSandbox', new CriError('DEADLINE_EXCEEDED', 'slow'));
    rt.failNext('runPodSandbox');
    await expect(rt.runPodSandbox(sandbox('a'))).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    await expect(rt.runPodSandbox(sandbox('a'))).rejects.toMatchObject({ code: 'UNKNOWN', message: 'injected runPodSandbox failure' });
    const id = await rt.runPodSandbox(sandbox('a'));
    expect(await rt.listPodSandbox()).toHaveLength(1);
    await rt.pullImage({ image: 'busybox' });
    await rt.podSandboxStatus(id);
    expect(rt.callNames()).toEqual(['runPodSandbox', 'runPodSandbox', 'runPodSandbox', 'listPodSandbox', 'pullImage', 'podSandboxStatus']);
    expect(rt.calls.map((c) => c.key)).toEqual(['default/a', 'default/a', 'default/a', '', 'busybox', id]);
    rt.clearCalls();
    expect(rt.calls).toEqual([]);
  });

  it('reports the conditions it is given in Status', async () => {
    const rt = newRuntime();
    expect((await rt.status()).status.conditions.map((c) => [c.type, c.status])).toEqual([
      ['RuntimeReady', true],
      ['NetworkReady', true],
    ]);
    rt.setCondition('RuntimeReady', false, 'Broken', 'shim gone');
    expect((await rt.status()).status.conditions[0]).toEqual({ type: 'RuntimeReady', status: false, reason: 'Broken', message: 'shim gone' });
  });
});
