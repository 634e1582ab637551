import { pods, type Pod } from '@skiff/api';
import { WorkerHarness } from '../testing/worker-harness';

function pod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta },
    spec: {
      nodeName: 'node-1',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'app', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent' }],
      ...spec,
    },
    status: { phase: 'Pending' },
  } as Pod;
}

/** Polls (bounded, real time) until the condition holds: for steps that run through the gRPC fake. */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

async function stored(h: WorkerHarness, name: string): Promise<Pod> {
  return h.client.get<Pod>(pods, 'default', name);
}

describe('pod workers against a fake CRI server', () => {
  let h: WorkerHarness;
  beforeEach(async () => {
    h = await new WorkerHarness().start();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function run(p: Pod): Promise<Pod> {
    h.client.seed(pods, p);
    h.workers.update(p);
    await h.settle();
    return stored(h, p.metadata.name!);
  }

  it('makes a sandbox and the container, and reports Running with the pod IP and Ready conditions', async () => {
    const p = await run(pod('web'));
    expect(h.fakeRuntime.callNames()).toEqual(expect.arrayContaining(['runPodSandbox', 'createContainer', 'startContainer']));
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.podIP).toMatch(/^10\.88\./);
    expect(p.status?.hostIP).toBe('192.0.2.10');
    expect(p.status?.qosClass).toBe('BestEffort');
    const cs = p.status!.containerStatuses![0];
    expect(cs).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0 });
    expect(cs.state?.running?.startedAt).toBeDefined();
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    const conditions = Object.fromEntries(p.status!.conditions!.map((c) => [c.type, c.status]));
    expect(conditions).toMatchObject({ PodReadyToStartContainers: 'True', Initialized: 'True', ContainersReady: 'True', Ready: 'True' });
    expect(h.events.map((e) => e.reason)).toEqual(['Pulled', 'Created', 'Started']);
  });

  it('writes the status only when it changed', async () => {
    await run(pod('web'));
    const patches = () => h.client.writes().filter((w) => w === 'patch pods/status').length;
    const before = patches();
    await h.advance(10_000);
    await h.advance(10_000);
    expect(patches()).toBe(before);
  });

  it('restarts a crashed container at once, then backs off 10 s, 20 s (CrashLoopBackOff)', async () => {
    await run(pod('crash'));
    const first = (await h.runtime.listContainers())[0];
    h.fakeRuntime.exitContainer(first.id, 1);
    h.workers.wake('uid-crash');
    await h.settle();
    let p = await stored(h, 'crash');
    expect(p.status!.containerStatuses![0]).toMatchObject({ restartCount: 1, state: { running: expect.anything() } });
    expect(p.status!.containerStatuses![0].lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });

    const second = (await h.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } }))[0];
    h.fakeRuntime.exitContainer(second.id, 2);
    h.workers.wake('uid-crash');
    await h.settle();
    p = await stored(h, 'crash');
    expect(p.status!.containerStatuses![0].state?.waiting).toMatchObject({ reason: 'CrashLoopBackOff', message: expect.stringContaining('back-off 10s restarting failed container=app pod=crash_default(uid-crash)') });
    expect(p.status!.containerStatuses![0].lastState?.terminated?.exitCode).toBe(2);
    expect(p.status?.phase).toBe('Running');
    expect(h.events.some((e) => e.reason === 'BackOff')).toBe(true);

    await h.advance(9_000);
    expect((await stored(h, 'crash')).status!.containerStatuses![0].state?.waiting?.reason).toBe('CrashLoopBackOff');
    await h.advance(1_500);
    p = await stored(h, 'crash');
    expect(p.status!.containerStatuses![0]).toMatchObject({ restartCount: 2, state: { running: expect.anything() } });

    const third = (await h.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } }))[0];
    h.fakeRuntime.exitContainer(third.id, 3);
    h.workers.wake('uid-crash');
    await h.settle();
    expect((await stored(h, 'crash')).status!.containerStatuses![0].state?.waiting?.message).toContain('back-off 20s');
    await h.advance(15_000);
    expect((await stored(h, 'crash')).status!.containerStatuses![0].state?.waiting?.reason).toBe('CrashLoopBackOff');
    await h.advance(6_000);
    expect((await stored(h, 'crash')).status!.containerStatuses![0].restartCount).toBe(3);
  });

  it('keeps dead instances to two per container (current and previous)', async () => {
    await run(pod('gc'));
    for (let i = 0; i < 4; i++) {
      const running = (await h.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } }))[0];
      h.fakeRuntime.exitContainer(running.id, 1);
      h.workers.wake('uid-gc');
      await h.advance(400_000);
    }
    const all = await h.runtime.listContainers();
    expect(all.length).toBe(2);
  });

  it('with restartPolicy Never a failed container fails the pod and its sandbox is stopped', async () => {
    await run(pod('once', { restartPolicy: 'Never' }));
    const c = (await h.runtime.listContainers())[0];
    h.fakeRuntime.exitContainer(c.id, 7);
    h.workers.wake('uid-once');
    await h.settle();
    const p = await stored(h, 'once');
    expect(p.status?.phase).toBe('Failed');
    expect(p.status!.containerStatuses![0].state?.terminated).toMatchObject({ exitCode: 7, reason: 'Error' });
    expect(p.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect((await h.runtime.listPodSandbox())[0].state).toBe('SANDBOX_NOTREADY');
    expect((await h.runtime.listContainers()).length).toBe(1);
  });

  it('with restartPolicy OnFailure a clean exit makes the pod Succeeded', async () => {
    await run(pod('job', { restartPolicy: 'OnFailure' }));
    const c = (await h.runtime.listContainers())[0];
    h.fakeRuntime.exitContainer(c.id, 0);
    h.workers.wake('uid-job');
    await h.settle();
    const p = await stored(h, 'job');
    expect(p.status?.phase).toBe('Succeeded');
    expect(p.status!.containerStatuses![0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('runs init containers one at a time, in order, before the app containers', async () => {
    h.fakeRuntime.setStartBehaviour((c) => (c.config.metadata.name.startsWith('init') ? { exitCode: 0 } : 'run'));
    const p = await run(
      pod('init', {
        initContainers: [
          { name: 'init-a', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent' },
          { name: 'init-b', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent' },
        ],
      }),
    );
    await h.advance(1_000);
    await h.advance(1_000);
    const created = h.fakeRuntime.calls.filter((c) => c.method === 'createContainer').map((c) => c.key);
    expect(created.map((k) => k.split('/')[1])).toEqual(['init-a', 'init-b', 'app']);
    const final = await stored(h, 'init');
    expect(final.status?.phase).toBe('Running');
    expect(final.status!.initContainerStatuses!.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect(p.status?.phase).toBe('Pending');
  });

  it('a failing init container with restartPolicy Never fails the pod and never starts the app', async () => {
    h.fakeRuntime.setStartBehaviour((c) => (c.config.metadata.name === 'init' ? { exitCode: 1 } : 'run'));
    await run(pod('badinit', { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent' }] }));
    await h.advance(1_000);
    const p = await stored(h, 'badinit');
    expect(p.status?.phase).toBe('Failed');
    expect(h.fakeRuntime.calls.filter((c) => c.method === 'createContainer').length).toBe(1);
  });

  it('reports ErrImagePull, then ImagePullBackOff until the back-off passes', async () => {
    h.fakeRuntime.setPullError('docker.io/library/nope:1', 'pull access denied');
    await run(pod('img', { containers: [{ name: 'app', image: 'docker.io/library/nope:1', imagePullPolicy: 'IfNotPresent' }] }));
    expect((await stored(h, 'img')).status!.containerStatuses![0].state?.waiting).toMatchObject({ reason: 'ErrImagePull', message: expect.stringContaining('pull access denied') });
    await h.advance(2_000);
    expect((await stored(h, 'img')).status!.containerStatuses![0].state?.waiting?.reason).toBe('ImagePullBackOff');
    h.fakeRuntime.setPullError('docker.io/library/nope:1', undefined);
    await h.advance(10_000);
    expect((await stored(h, 'img')).status!.containerStatuses![0].state?.running).toBeDefined();
    expect(h.events.filter((e) => e.reason === 'Pulling').length).toBe(2);
  });

  it('reports CreateContainerConfigError when a referenced configmap is missing', async () => {
    await run(pod('cfg', { containers: [{ name: 'app', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] }] }));
    expect((await stored(h, 'cfg')).status!.containerStatuses![0].state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "missing" not found' });
  });

  it('restarts a container the prober found unhealthy', async () => {
    await run(pod('live'));
    const c = (await h.runtime.listContainers())[0];
    h.workers.markUnhealthy('uid-live', c.id, 'Container app failed liveness probe, will be restarted');
    await h.settle();
    const p = await stored(h, 'live');
    expect(p.status!.containerStatuses![0]).toMatchObject({ restartCount: 1, state: { running: expect.anything() } });
    expect(h.events.find((e) => e.reason === 'Killing')?.message).toBe('Container app failed liveness probe, will be restarted');
  });

  it('reports a running container as not ready while its readiness probe fails', async () => {
    h.probes.notReady.add('app');
    const p = await run(pod('ready'));
    expect(p.status!.containerStatuses![0].ready).toBe(false);
    expect(p.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
  });

  it('terminates a deleted pod gracefully (preStop, stop, sandbox) and then deletes it with grace 0', async () => {
    const p = pod('bye', { containers: [{ name: 'app', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent', lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } } }] });
    await run(p);
    const deleting = { ...(await stored(h, 'bye')), metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 } };
    h.workers.update(deleting);
    await h.settle();
    expect(h.hooks).toEqual(['app:sleep 1']);
    const stop = h.fakeRuntime.calls.find((c) => c.method === 'stopContainer');
    expect(stop?.args[1]).toBe(30);
    expect((await h.runtime.listPodSandbox())[0].state).toBe('SANDBOX_NOTREADY');
    const del = h.client.actions.find((a) => a.verb === 'delete');
    expect(del?.deleteOptions).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: 'uid-bye' } });
    h.workers.remove(deleting);
    await h.settle();
    expect(await h.runtime.listContainers()).toEqual([]);
    expect(await h.runtime.listPodSandbox()).toEqual([]);
  });

  it('a second delete with a shorter grace period cuts the termination in progress short', async () => {
    const p = pod('slow', { containers: [{ name: 'app', image: 'docker.io/library/busybox:latest', imagePullPolicy: 'IfNotPresent', lifecycle: { preStop: { exec: { command: ['block'] } } } }] });
    await run(p);
    const base = await stored(h, 'slow');
    h.workers.update({ ...base, metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T10:01:00Z', deletionGracePeriodSeconds: 60 } });
    await until('the preStop hook to start', () => h.hooks.includes('app:block'));
    h.workers.update({ ...base, metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T10:00:01Z', deletionGracePeriodSeconds: 1 } });
    await until('a stop with the shorter grace', () => h.fakeRuntime.calls.some((c) => c.method === 'stopContainer'));
    expect(h.fakeRuntime.calls.filter((c) => c.method === 'stopContainer').map((c) => c.args[1])).toEqual([2]);
    h.releaseHooks();
    await h.settle();
  });

  it('a restarted kubelet adopts running containers instead of recreating them', async () => {
    await run(pod('keep'));
    const before = await h.runtime.listContainers();
    await h.workers.stop();
    h.fakeRuntime.clearCalls();
    h.workers = h.newWorkers();
    h.workers.update(await stored(h, 'keep'));
    await h.settle();
    expect(h.fakeRuntime.callNames()).not.toContain('runPodSandbox');
    expect(h.fakeRuntime.callNames()).not.toContain('createContainer');
    expect((await h.runtime.listContainers()).map((c) => c.id)).toEqual(before.map((c) => c.id));
    expect((await stored(h, 'keep')).status?.phase).toBe('Running');
  });

  it('makes a new sandbox when the old one died, with the next attempt number', async () => {
    await run(pod('sb'));
    const sandbox = (await h.runtime.listPodSandbox())[0];
    h.fakeRuntime.markSandboxNotReady(sandbox.id);
    h.workers.wake('uid-sb');
    await h.settle();
    const sandboxes = await h.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' } });
    expect(sandboxes.length).toBe(1);
    expect(sandboxes[0].metadata.attempt).toBe(1);
    expect(h.events.some((e) => e.reason === 'SandboxChanged')).toBe(true);
    expect((await stored(h, 'sb')).status?.phase).toBe('Running');
  });
});
