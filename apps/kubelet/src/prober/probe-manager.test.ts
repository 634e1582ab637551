import type { Container, Pod, Probe } from '@skiff/api';
import { FakeClock } from '@skiff/client';
import { CriError, type ExecSyncResponse } from '@skiff/cri';
import { Registry } from 'prom-client';
import type { ExecRunner } from './exec-probe';
import type { ProbeEventSink } from './probe-events';
import { ProbeManager, type ProbeResultEvent } from './probe-manager';

/**
 * A runtime whose exec answers are set per probe: the probes run `check <name>`, and `exits[name]` says how the
 * command exits ('hang' never answers, 'gone' is a NOT_FOUND from the runtime).
 */
class ScriptedExec implements ExecRunner {
  readonly calls: { containerId: string; name: string; at: number }[] = [];
  readonly exits: Record<string, number | 'hang' | 'gone'> = {};
  private readonly hung: ((r: ExecSyncResponse) => void)[] = [];

  constructor(private readonly clock: FakeClock) {}

  execSync(containerId: string, cmd: string[]): Promise<ExecSyncResponse> {
    const name = cmd[1];
    this.calls.push({ containerId, name, at: this.clock.now() });
    const exit = this.exits[name] ?? 0;
    if (exit === 'hang') return new Promise((resolve) => this.hung.push(resolve));
    if (exit === 'gone') return Promise.reject(new CriError('NOT_FOUND', `container ${containerId} not found`));
    return Promise.resolve({ exitCode: exit, stdout: Buffer.from(exit === 0 ? '' : `${name} is unhappy`), stderr: Buffer.alloc(0) });
  }

  /** Answers every exec still hanging. */
  release(exitCode: number): void {
    for (const resolve of this.hung.splice(0)) resolve({ exitCode, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
  }

  count(name: string, containerId?: string): number {
    return this.calls.filter((c) => c.name === name && (containerId === undefined || c.containerId === containerId)).length;
  }
}

const check = (name: string, rest: Partial<Probe> = {}): Probe => ({ exec: { command: ['check', name] }, ...rest });

function makePod(containers: Container[], initContainers?: Container[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'uid-1' },
    spec: { containers, initContainers },
    status: { podIP: '127.0.0.1' },
  };
}

function setup(containers: Container[], initContainers?: Container[]) {
  const clock = new FakeClock();
  const exec = new ScriptedExec(clock);
  const registry = new Registry();
  const events: { container: string; type: string; reason: string; message: string }[] = [];
  const sink: ProbeEventSink = { containerEvent: (_pod, container, type, reason, message) => events.push({ container, type, reason, message }) };
  const manager = new ProbeManager({ runtime: exec, clock, registry, events: sink });
  const results: ProbeResultEvent[] = [];
  manager.on('result', (e) => results.push(e));
  const pod = makePod(containers, initContainers);
  manager.addPod(pod);
  return { clock, exec, registry, events, manager, results, pod };
}

const brief = (e: ProbeResultEvent) => `${e.containerName}/${e.containerId} ${e.probeType}=${e.result}`;

describe('ProbeManager', () => {
  it('a container without probes is started and ready exactly while it runs', () => {
    const { manager } = setup([{ name: 'app' }]);
    expect([manager.isStarted('uid-1', 'app'), manager.isReady('uid-1', 'app')]).toEqual([false, false]);
    manager.containerStarted('uid-1', 'app', 'c1', Date.now());
    expect([manager.isStarted('uid-1', 'app'), manager.isReady('uid-1', 'app')]).toEqual([true, true]);
    manager.containerStopped('uid-1', 'app', 'c1');
    expect([manager.isStarted('uid-1', 'app'), manager.isReady('uid-1', 'app')]).toEqual([false, false]);
    expect(manager.isReady('no-such-pod', 'app')).toBe(false);
  });

  it('a readiness probe starts not ready and turns ready on its first success', async () => {
    const { manager, clock, exec, results } = setup([{ name: 'app', readinessProbe: check('ready') }]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    expect(manager.isReady('uid-1', 'app')).toBe(false);
    await clock.advance(0);
    expect(exec.count('ready')).toBe(1);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    expect(results.map(brief)).toEqual(['app/c1 readiness=success']);
    expect(results[0]).toMatchObject({ podUid: 'uid-1', namespace: 'default', podName: 'web-1', message: 'Readiness probe succeeded' });
  });

  it('waits initialDelaySeconds after the container started, then probes every periodSeconds', async () => {
    const { manager, clock, exec } = setup([{ name: 'app', readinessProbe: check('ready', { initialDelaySeconds: 5, periodSeconds: 10 }) }]);
    const started = clock.now() - 2000;
    manager.containerStarted('uid-1', 'app', 'c1', started);
    await clock.advance(2999);
    expect(exec.count('ready')).toBe(0);
    await clock.advance(1);
    await clock.advance(25_000);
    expect(exec.calls.map((c) => c.at - started)).toEqual([5000, 15_000, 25_000]);
  });

  it('periodSeconds defaults to 10', async () => {
    const { manager, clock, exec } = setup([{ name: 'app', livenessProbe: check('live') }]);
    const started = clock.now();
    manager.containerStarted('uid-1', 'app', 'c1', started);
    await clock.advance(30_000);
    expect(exec.calls.map((c) => c.at - started)).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it('readiness turns false only after failureThreshold failures in a row, recording each failure', async () => {
    const { manager, clock, exec, results, events } = setup([
      { name: 'app', readinessProbe: check('ready', { periodSeconds: 1, failureThreshold: 3 }) },
    ]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(0);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    exec.exits.ready = 1;
    await clock.advance(2000);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    exec.exits.ready = 0;
    await clock.advance(1000);
    exec.exits.ready = 1;
    await clock.advance(2000);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    await clock.advance(1000);
    expect(manager.isReady('uid-1', 'app')).toBe(false);
    expect(results.map(brief)).toEqual(['app/c1 readiness=success', 'app/c1 readiness=failure']);
    expect(results[1].message).toBe('Readiness probe failed: ready is unhappy');
    expect(events.filter((e) => e.reason === 'Unhealthy')).toHaveLength(5);
    expect(events[0]).toEqual({ container: 'app', type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: ready is unhappy' });
  });

  it('readiness turns true only after successThreshold successes in a row', async () => {
    const { manager, clock, exec } = setup([{ name: 'app', readinessProbe: check('ready', { periodSeconds: 1, successThreshold: 2 }) }]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(0);
    expect(manager.isReady('uid-1', 'app')).toBe(false);
    exec.exits.ready = 1;
    await clock.advance(1000);
    exec.exits.ready = 0;
    await clock.advance(1000);
    expect(manager.isReady('uid-1', 'app')).toBe(false);
    await clock.advance(1000);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
  });

  it('a liveness failure is reported once; probing resumes for the next container instance', async () => {
    const { manager, clock, exec, results } = setup([
      { name: 'app', livenessProbe: check('live', { periodSeconds: 1, failureThreshold: 2, terminationGracePeriodSeconds: 7 }) },
    ]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    exec.exits.live = 1;
    await clock.advance(10_000);
    expect(exec.count('live', 'c1')).toBe(2);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      containerId: 'c1',
      probeType: 'liveness',
      result: 'failure',
      output: 'live is unhappy',
      message: 'Liveness probe failed: live is unhappy',
      terminationGracePeriodSeconds: 7,
    });

    // The pod worker restarts the container: a new ID, alive until its own probes fail.
    exec.exits.live = 0;
    manager.containerStopped('uid-1', 'app', 'c1');
    manager.containerStarted('uid-1', 'app', 'c2', clock.now());
    await clock.advance(3000);
    expect(exec.count('live', 'c2')).toBe(4);
    expect(exec.count('live', 'c1')).toBe(2);
    expect(results).toHaveLength(1);
    exec.exits.live = 1;
    await clock.advance(2000);
    expect(results.map(brief)).toEqual(['app/c1 liveness=failure', 'app/c2 liveness=failure']);
  });

  it('liveness and readiness wait for the startup probe, and run at once when it passes', async () => {
    const { manager, clock, exec, results } = setup([
      {
        name: 'app',
        startupProbe: check('startup', { periodSeconds: 2, failureThreshold: 30 }),
        livenessProbe: check('live', { periodSeconds: 10 }),
        readinessProbe: check('ready', { periodSeconds: 10 }),
      },
    ]);
    exec.exits.startup = 1;
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(6000);
    expect(exec.count('startup')).toBe(4);
    expect(exec.count('live') + exec.count('ready')).toBe(0);
    expect([manager.isStarted('uid-1', 'app'), manager.isReady('uid-1', 'app')]).toEqual([false, false]);

    exec.exits.startup = 0;
    await clock.advance(2000);
    expect(manager.isStarted('uid-1', 'app')).toBe(true);
    expect(exec.calls.filter((c) => c.name !== 'startup').map((c) => [c.name, c.at - exec.calls[0].at])).toEqual([
      ['live', 8000],
      ['ready', 8000],
    ]);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    expect(results.map(brief)).toEqual(['app/c1 startup=success', 'app/c1 readiness=success']);

    await clock.advance(20_000);
    expect(exec.count('startup')).toBe(5);
    expect(exec.count('ready')).toBe(3);
  });

  it('a startup probe that never passes fails once after failureThreshold tries and stops', async () => {
    const { manager, clock, exec, results } = setup([
      { name: 'app', startupProbe: check('startup', { periodSeconds: 1, failureThreshold: 3, terminationGracePeriodSeconds: 2 }), livenessProbe: check('live') },
    ]);
    exec.exits.startup = 1;
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(10_000);
    expect(exec.count('startup')).toBe(3);
    expect(exec.count('live')).toBe(0);
    expect(results.map(brief)).toEqual(['app/c1 startup=failure']);
    expect(results[0]).toMatchObject({ message: 'Startup probe failed: startup is unhappy', terminationGracePeriodSeconds: 2 });
  });

  it('an exec that does not answer within timeoutSeconds is a failure, and runs never overlap', async () => {
    const { manager, clock, exec, events, results } = setup([
      { name: 'app', readinessProbe: check('ready', { periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 1 }) },
    ]);
    exec.exits.ready = 'hang';
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(2999);
    expect(exec.count('ready')).toBe(1);
    expect(events).toHaveLength(0);
    await clock.advance(1);
    expect(events.map((e) => e.message)).toEqual(['Readiness probe failed: command "check ready" timed out']);
    expect(results).toHaveLength(0);
    // The run overran its period, so the next one starts at once (and hangs until answered).
    expect(exec.count('ready')).toBe(2);
    exec.release(0);
    await clock.advance(0);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
  });

  it('a probe that cannot run is reported as errored and leaves the result as it was', async () => {
    const { manager, clock, exec, events, results } = setup([
      { name: 'app', readinessProbe: check('ready', { periodSeconds: 1, failureThreshold: 1 }) },
    ]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(0);
    exec.exits.ready = 'gone';
    await clock.advance(3000);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    expect(results.map(brief)).toEqual(['app/c1 readiness=success']);
    expect(events.map((e) => e.message)).toEqual(
      Array(3).fill('Readiness probe errored and resulted in unknown state: rpc error: code = NotFound desc = container c1 not found'),
    );
  });

  it('a stopped container is not ready and not probed until a container starts again', async () => {
    const { manager, clock, exec, results } = setup([{ name: 'app', readinessProbe: check('ready', { periodSeconds: 1 }) }]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(0);
    manager.containerStopped('uid-1', 'app', 'c1');
    expect(manager.isReady('uid-1', 'app')).toBe(false);
    await clock.advance(5000);
    expect(exec.count('ready')).toBe(1);
    expect(results.map(brief)).toEqual(['app/c1 readiness=success', 'app/c1 readiness=failure']);
    // A report about an instance already replaced changes nothing.
    manager.containerStarted('uid-1', 'app', 'c2', clock.now());
    manager.containerStopped('uid-1', 'app', 'c1');
    await clock.advance(0);
    expect(manager.isReady('uid-1', 'app')).toBe(true);
    expect(exec.count('ready', 'c2')).toBe(1);
  });

  it('drops the result of a run that was still going when its container was replaced', async () => {
    const { manager, clock, exec, results } = setup([{ name: 'app', livenessProbe: check('live', { periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 30 }) }]);
    exec.exits.live = 'hang';
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(0);
    exec.exits.live = 0;
    manager.containerStarted('uid-1', 'app', 'c2', clock.now());
    exec.release(1);
    await clock.advance(0);
    expect(results).toHaveLength(0);
    expect(exec.count('live', 'c2')).toBe(1);
  });

  it('stopLivenessAndStartup stops those probes on a terminating pod; readiness carries on', async () => {
    const { manager, clock, exec } = setup([
      { name: 'app', livenessProbe: check('live', { periodSeconds: 1 }), readinessProbe: check('ready', { periodSeconds: 1 }) },
    ]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(1000);
    manager.stopLivenessAndStartup('uid-1');
    exec.exits.live = 1;
    await clock.advance(5000);
    expect([exec.count('live'), exec.count('ready')]).toEqual([2, 7]);
  });

  it('removePod stops every worker and forgets the pod', async () => {
    const { manager, clock, exec, registry } = setup([{ name: 'app', livenessProbe: check('live', { periodSeconds: 1 }) }]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(2000);
    expect(await registry.metrics()).toContain('prober_probe_total{');
    manager.removePod('uid-1');
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(5000);
    expect(exec.count('live')).toBe(3);
    expect(manager.isStarted('uid-1', 'app')).toBe(false);
    expect(await registry.metrics()).not.toContain('prober_probe_total{');
  });

  it('counts probe runs in prober_probe_total by type, container, pod, namespace and result', async () => {
    const { manager, clock, exec, registry } = setup([
      { name: 'app', readinessProbe: check('ready', { periodSeconds: 1 }), livenessProbe: check('live', { periodSeconds: 1 }) },
    ]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(1000);
    exec.exits.ready = 1;
    await clock.advance(2000);
    const text = await registry.metrics();
    const line = (type: string, result: string) => `prober_probe_total{probe_type="${type}",container="app",pod="web-1",namespace="default",result="${result}"}`;
    expect(text).toContain(`${line('Readiness', 'successful')} 2`);
    expect(text).toContain(`${line('Readiness', 'failed')} 2`);
    expect(text).toContain(`${line('Liveness', 'successful')} 4`);
  });

  it('probes sidecars (init containers that keep running) but not ordinary init containers', async () => {
    const { manager, clock, exec } = setup(
      [{ name: 'app' }],
      [
        { name: 'setup', readinessProbe: check('setup') },
        { name: 'proxy', restartPolicy: 'Always', readinessProbe: check('proxy') },
      ],
    );
    manager.containerStarted('uid-1', 'setup', 's1', clock.now());
    manager.containerStarted('uid-1', 'proxy', 'p1', clock.now());
    await clock.advance(0);
    expect([exec.count('setup'), exec.count('proxy')]).toEqual([0, 1]);
    expect(manager.isReady('uid-1', 'proxy')).toBe(true);
  });

  it('a second addPod for the same uid keeps the running workers', async () => {
    const { manager, clock, exec, pod } = setup([{ name: 'app', livenessProbe: check('live', { periodSeconds: 1 }) }]);
    manager.containerStarted('uid-1', 'app', 'c1', clock.now());
    await clock.advance(1000);
    manager.addPod(pod);
    await clock.advance(1000);
    expect(exec.count('live')).toBe(3);
  });
});
