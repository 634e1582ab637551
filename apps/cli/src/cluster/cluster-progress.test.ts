import { ProgressLine } from '../progress-line';
import { ClusterPaths } from './cluster-paths';
import { ClusterProgress } from './cluster-progress';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { text: () => chunks.join(''), chunks, stream: { isTTY, write: (t: string) => chunks.push(t) } };
}

describe('ClusterProgress', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-01-01T10:00:02.500Z') }));
  afterEach(() => jest.useRealTimers());
  const startedAt = Date.parse('2026-01-01T10:00:00Z');

  it('gives a log one lasting line per ready component and per crash, without the redrawn status', () => {
    const out = capture(false);
    const p = new ClusterProgress(startedAt, new ProgressLine(out.stream), false);
    p.onEvent({ type: 'started', name: 'etcd', pid: 10, restarts: 0 });
    p.onEvent({ type: 'ready', name: 'etcd', pid: 10, restarts: 0, afterMs: 400 });
    p.stepStarted('images');
    p.stepDone('images', 'pushed', '  (pause, busybox)');
    p.onEvent({ type: 'exited', name: 'scheduler', pid: 11, how: 'exited with code 1', ranForMs: 3200, restartInMs: 2000, logFile: '/d/logs/scheduler.log' });
    p.onEvent({ type: 'ready', name: 'scheduler', pid: 12, restarts: 1, afterMs: 900 });
    p.onEvent({ type: 'stopped', name: 'kubelet', pid: 13, killed: true });
    const time = new Date().toTimeString().slice(0, 8);
    expect(out.text()).toBe(
      [
        '  etcd                 ready   2.5 s',
        '  images               pushed  2.5 s  (pause, busybox)',
        `${time} scheduler (pid 11) exited with code 1 after 3.2 s; restarting it in 2.0 s (log: /d/logs/scheduler.log)`,
        `${time} scheduler is running again (pid 12)`,
        '  stopped kubelet (killed: it did not exit in time)',
        '',
      ].join('\n'),
    );
  });

  it('redraws what is still starting on a terminal', () => {
    const out = capture(true);
    const p = new ClusterProgress(startedAt, new ProgressLine(out.stream), true);
    p.onEvent({ type: 'started', name: 'etcd', pid: 10, restarts: 0 });
    p.onEvent({ type: 'started', name: 'apiserver', pid: 11, restarts: 0 });
    p.onEvent({ type: 'ready', name: 'etcd', pid: 10, restarts: 0, afterMs: 400 });
    expect(out.chunks).toEqual(['\r\x1b[KStarting etcd...', '\r\x1b[KStarting etcd, apiserver...', '\r\x1b[K  etcd                 ready   2.5 s\nStarting etcd, apiserver...', '\r\x1b[KStarting apiserver...']);
  });

  it('ends with how to use the cluster, and how to stop it in the foreground', () => {
    const out = capture(false);
    const paths = new ClusterPaths('/tmp/c1');
    new ClusterProgress(startedAt, new ProgressLine(out.stream), false).ready({ paths, nodeName: 'n1', runtime: { kind: 'hollow', why: 'not running as root', warn: true }, apiServer: 'http://127.0.0.1:6443', registry: 'http://127.0.0.1:5000', members: [], detached: false });
    expect(out.text()).toContain('Ready in 2.5 s.\n  node:       n1 (hollow: not running as root)\n  apiserver:  http://127.0.0.1:6443\n');
    expect(out.text()).toContain('  export KUBECONFIG=/tmp/c1/admin.kubeconfig\n');
    expect(out.text()).toContain('Ctrl-C (or `skiff down --data-dir /tmp/c1`) stops the cluster; the pods keep running and the next `skiff up` adopts them.\n');
  });
});
