import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../core/v1/pod';
import { podPrinter, summarizePod } from './pod-printer';
import { ago, now } from './test-fixtures';

function status(name: string, state: ContainerState, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, state, ready: false, restartCount: 0, image: 'nginx', imageID: '', ...extra };
}

function pod(st: PodStatus, opts: { containers?: string[]; init?: { name: string; restartPolicy?: string }[]; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(300), ...(opts.deleting && { deletionTimestamp: ago(1) }) },
    spec: {
      containers: (opts.containers ?? ['app']).map((name) => ({ name, image: 'nginx' })),
      ...(opts.init && { initContainers: opts.init.map((c) => ({ image: 'busybox', ...c })) }),
    },
    status: st,
  };
}

const running = { running: { startedAt: ago(60) } };
const cond = (type: string, s: 'True' | 'False', reason?: string): PodCondition => ({ type, status: s, ...(reason && { reason }) });

describe('pod READY / STATUS / RESTARTS', () => {
  it('a pod nobody has looked at yet is Pending with nothing ready', () => {
    expect(summarizePod(pod({ phase: 'Pending' }), now)).toEqual({ ready: '0/1', status: 'Pending', restarts: '0' });
  });

  it('a container being created shows the waiting reason', () => {
    const p = pod({ phase: 'Pending', containerStatuses: [status('app', { waiting: { reason: 'ContainerCreating' } })] });
    expect(summarizePod(p, now).status).toBe('ContainerCreating');
  });

  it('counts ready containers among all of them', () => {
    const p = pod(
      { phase: 'Running', containerStatuses: [status('a', running, { ready: true }), status('b', running, { ready: false })] },
      { containers: ['a', 'b'] },
    );
    expect(summarizePod(p, now)).toEqual({ ready: '1/2', status: 'Running', restarts: '0' });
  });

  it('a finished container reads Completed or Error from its terminated reason', () => {
    const done = pod({ phase: 'Succeeded', containerStatuses: [status('app', { terminated: { exitCode: 0, reason: 'Completed' } })] });
    expect(summarizePod(done, now)).toEqual({ ready: '0/1', status: 'Completed', restarts: '0' });
    const failed = pod({ phase: 'Failed', containerStatuses: [status('app', { terminated: { exitCode: 1, reason: 'Error' } })] });
    expect(summarizePod(failed, now).status).toBe('Error');
  });

  it('without a terminated reason it shows the signal or exit code', () => {
    const sig = pod({ phase: 'Running', containerStatuses: [status('app', { terminated: { exitCode: 137, signal: 9 } })] });
    expect(summarizePod(sig, now).status).toBe('Signal:9');
    const code = pod({ phase: 'Running', containerStatuses: [status('app', { terminated: { exitCode: 3 } })] });
    expect(summarizePod(code, now).status).toBe('ExitCode:3');
  });

  it('CrashLoopBackOff with restarts says how long ago the last one ended', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [
        status('app', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 5, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }),
      ],
    });
    expect(summarizePod(p, now)).toEqual({ ready: '0/1', status: 'CrashLoopBackOff', restarts: '5 (5m ago)' });
  });

  it('restarts without a known end time are a bare number', () => {
    const p = pod({ phase: 'Running', containerStatuses: [status('app', running, { ready: true, restartCount: 2 })] });
    expect(summarizePod(p, now).restarts).toBe('2');
  });

  it('a pod status reason such as Evicted wins over the phase', () => {
    expect(summarizePod(pod({ phase: 'Failed', reason: 'Evicted' }), now).status).toBe('Evicted');
  });

  it('a scheduling-gated pod says so', () => {
    const p = pod({ phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'SchedulingGated')] });
    expect(summarizePod(p, now).status).toBe('SchedulingGated');
  });

  describe('init containers', () => {
    const init = [{ name: 'setup' }, { name: 'migrate' }];

    it('shows progress through the init containers', () => {
      const first = pod({ phase: 'Pending', initContainerStatuses: [status('setup', { waiting: { reason: 'PodInitializing' } })] }, { init });
      expect(summarizePod(first, now).status).toBe('Init:0/2');
      const second = pod(
        {
          phase: 'Pending',
          initContainerStatuses: [status('setup', { terminated: { exitCode: 0, reason: 'Completed' } }), status('migrate', running)],
        },
        { init },
      );
      expect(summarizePod(second, now).status).toBe('Init:1/2');
    });

    it('a failing init container shows Init: and its reason, exit code or signal', () => {
      const err = pod({ phase: 'Pending', initContainerStatuses: [status('setup', { terminated: { exitCode: 1, reason: 'Error' } })] }, { init });
      expect(summarizePod(err, now).status).toBe('Init:Error');
      const code = pod({ phase: 'Pending', initContainerStatuses: [status('setup', { terminated: { exitCode: 2 } })] }, { init });
      expect(summarizePod(code, now).status).toBe('Init:ExitCode:2');
      const sig = pod({ phase: 'Pending', initContainerStatuses: [status('setup', { terminated: { exitCode: 143, signal: 15 } })] }, { init });
      expect(summarizePod(sig, now).status).toBe('Init:Signal:15');
      const crash = pod({ phase: 'Pending', initContainerStatuses: [status('setup', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 3 })] }, { init });
      expect(summarizePod(crash, now)).toEqual({ ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3' });
    });

    it('a started sidecar counts towards READY and the total, and its restarts stay counted', () => {
      const p = pod(
        {
          phase: 'Running',
          conditions: [cond('Initialized', 'True'), cond('Ready', 'True')],
          initContainerStatuses: [status('proxy', running, { started: true, ready: true, restartCount: 1 })],
          containerStatuses: [status('app', running, { ready: true })],
        },
        { init: [{ name: 'proxy', restartPolicy: 'Always' }] },
      );
      expect(summarizePod(p, now)).toEqual({ ready: '2/2', status: 'Running', restarts: '1' });
    });
  });

  it('a completed container next to a running one reads Running when the pod is ready, NotReady otherwise', () => {
    const statuses = [status('a', running, { ready: true }), status('b', { terminated: { exitCode: 0, reason: 'Completed' } })];
    const ready = pod({ phase: 'Running', conditions: [cond('Ready', 'True')], containerStatuses: statuses }, { containers: ['a', 'b'] });
    expect(summarizePod(ready, now)).toEqual({ ready: '1/2', status: 'Running', restarts: '0' });
    const notReady = pod({ phase: 'Running', conditions: [cond('Ready', 'False')], containerStatuses: statuses }, { containers: ['a', 'b'] });
    expect(summarizePod(notReady, now).status).toBe('NotReady');
  });

  it('a pod being deleted is Terminating unless it already finished', () => {
    const live = pod({ phase: 'Running', containerStatuses: [status('app', running, { ready: true })] }, { deleting: true });
    expect(summarizePod(live, now).status).toBe('Terminating');
    const done = pod({ phase: 'Succeeded', containerStatuses: [status('app', { terminated: { exitCode: 0, reason: 'Completed' } })] }, { deleting: true });
    expect(summarizePod(done, now).status).toBe('Completed');
  });

  it('a pod on a lost node being deleted is Unknown', () => {
    expect(summarizePod(pod({ phase: 'Running', reason: 'NodeLost' }, { deleting: true }), now).status).toBe('Unknown');
  });
});

describe('podPrinter', () => {
  it('has the columns kubectl shows, the last four only with -o wide', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(podPrinter.columns[0].format).toBe('name');
  });

  it('fills IP, node, nominated node and readiness gates', () => {
    const p = pod({
      phase: 'Running',
      podIPs: [{ ip: '10.244.0.7' }],
      nominatedNodeName: 'node-2',
      conditions: [cond('example.com/lb', 'True'), cond('example.com/dns', 'False')],
      containerStatuses: [status('app', running, { ready: true })],
    });
    p.spec.nodeName = 'node-1';
    p.spec.readinessGates = [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }];
    expect(podPrinter.cells(p, now)).toEqual(['web', '1/1', 'Running', '0', '5m', '10.244.0.7', 'node-1', 'node-2', '1/2']);
  });

  it('prints <none> for what is not known yet', () => {
    expect(podPrinter.cells(pod({ phase: 'Pending' }), now)).toEqual(['web', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });
});
