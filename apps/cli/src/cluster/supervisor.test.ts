import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '@skiff/client';
import { waitFor } from '@skiff/testing';
import { logMatch, pollUntil } from './readiness';
import { processRunning } from './process-identity';
import { StartError, Supervisor, type ProcessSpec, type SupervisorEvent } from './supervisor';

/** A stand-in component: prints `up` once its handlers are in place, and on SIGTERM appends its name to `stopLog` and exits. */
function standIn(dir: string, name: string, opts: { stopLog?: string; ignoreTerm?: boolean; exitCode?: number } = {}): ProcessSpec {
  const script = [
    opts.exitCode !== undefined ? `console.error('${name} failing on purpose'); process.exit(${opts.exitCode});` : '',
    'setInterval(() => {}, 1000);',
    opts.ignoreTerm
      ? "process.on('SIGTERM', () => {});"
      : `process.on('SIGTERM', () => { ${opts.stopLog ? `require('fs').appendFileSync(${JSON.stringify(opts.stopLog)}, '${name}\\n');` : ''} process.exit(0); });`,
    // Last: once `up` is in the log a SIGTERM may come, and the handler must already be there.
    "console.log('up');",
  ].join('\n');
  return {
    name,
    command: process.execPath,
    args: ['-e', script],
    logFile: path.join(dir, `${name}.log`),
    // Ready when this run (not an earlier one) has printed `up`.
    ready: (run) => pollUntil(run, 'up line', async () => logMatch(run, /^up$/m)?.[0], 10_000).then(() => undefined),
    stopTimeoutMs: 5000,
  };
}

describe('Supervisor', () => {
  let dir: string;
  let events: SupervisorEvent[];
  let supervisor: Supervisor | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-supervisor-'));
    events = [];
  });

  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ofType = <T extends SupervisorEvent['type']>(type: T) => events.filter((e): e is Extract<SupervisorEvent, { type: T }> => e.type === type);

  it('restarts a crashed process after 1 s, doubling to 30 s, and starts over after a run of a minute', async () => {
    const clock = new FakeClock();
    supervisor = new Supervisor({ clock, onEvent: (e) => events.push(e) });
    await supervisor.start(standIn(dir, 'comp'));
    const delays: number[] = [];
    const crashAndRestart = async (ranForMs: number) => {
      await clock.advance(ranForMs);
      const before = ofType('ready').length;
      const pid = supervisor!.pids()[0].pid;
      process.kill(pid, 'SIGKILL');
      const exited = await waitFor(() => ofType('exited').find((e) => e.pid === pid));
      expect(exited.how).toBe('was killed by SIGKILL');
      delays.push(exited.restartInMs!);
      // Nothing starts before the delay has passed on the supervisor's clock.
      await clock.advance(exited.restartInMs! - 1);
      expect(supervisor!.pids()).toEqual([]);
      await clock.advance(1);
      await waitFor(() => ofType('ready').length > before, { timeoutMs: 10_000 });
      expect(supervisor!.pids()[0].pid).not.toBe(pid);
    };
    for (let i = 0; i < 7; i++) await crashAndRestart(10);
    await crashAndRestart(60_000);
    await crashAndRestart(10);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 1000, 2000]);
    expect(ofType('ready').map((e) => e.restarts)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each run's header and output went to the one log file.
    expect(fs.readFileSync(path.join(dir, 'comp.log'), 'utf8').match(/^up$/gm)).toHaveLength(10);
  }, 60_000);

  it('stops processes in the reverse order they were started, each by PID, and SIGKILLs one that ignores SIGTERM', async () => {
    const stopLog = path.join(dir, 'stopped');
    supervisor = new Supervisor({ onEvent: (e) => events.push(e) });
    await supervisor.start(standIn(dir, 'etcd', { stopLog }));
    await Promise.all([supervisor.start(standIn(dir, 'apiserver', { stopLog })), supervisor.start({ ...standIn(dir, 'stubborn', { ignoreTerm: true }), stopTimeoutMs: 300 })]);
    await supervisor.start(standIn(dir, 'kubelet', { stopLog }));
    const pids = supervisor.pids().map((p) => p.pid);
    expect(pids).toHaveLength(4);
    await supervisor.stopAll();
    expect(fs.readFileSync(stopLog, 'utf8').split('\n').filter(Boolean)).toEqual(['kubelet', 'apiserver', 'etcd']);
    expect(ofType('stopped').map((e) => [e.name, e.killed])).toEqual([
      ['kubelet', false],
      ['stubborn', true],
      ['apiserver', false],
      ['etcd', false],
    ]);
    expect(pids.filter(processRunning)).toEqual([]);
    // Stopped processes are not restarted.
    expect(ofType('exited')).toEqual([]);
  }, 30_000);

  it('fails a start when the process exits before it is ready, with the end of its log, and does not restart it', async () => {
    const clock = new FakeClock();
    supervisor = new Supervisor({ clock, onEvent: (e) => events.push(e) });
    const failure = await supervisor.start(standIn(dir, 'broken', { exitCode: 2 })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StartError);
    expect((failure as StartError).message).toBe('broken exited with code 2 before it was ready');
    expect((failure as StartError).logTail).toContain('broken failing on purpose');
    expect((failure as StartError).logFile).toBe(path.join(dir, 'broken.log'));
    expect(clock.pendingTimers).toBe(0);
    expect(ofType('exited')).toEqual([]);
  });

  it('fails a start whose readiness check fails, leaving nothing running', async () => {
    supervisor = new Supervisor({ onEvent: (e) => events.push(e) });
    const spec: ProcessSpec = { ...standIn(dir, 'never-ready'), ready: () => Promise.reject(new Error('no /healthz')) };
    await expect(supervisor.start(spec)).rejects.toThrow('never-ready did not become ready: no /healthz');
    const started = ofType('started')[0];
    expect(processRunning(started.pid)).toBe(false);
  });

  it('reports a program that cannot be started at all', async () => {
    supervisor = new Supervisor();
    const spec: ProcessSpec = { name: 'ghost', command: path.join(dir, 'no-such-program'), args: [], logFile: path.join(dir, 'ghost.log') };
    await expect(supervisor.start(spec)).rejects.toThrow(/ghost could not be started: spawn .*ENOENT/);
  });

  it('cancels a pending restart when stopping', async () => {
    const clock = new FakeClock();
    supervisor = new Supervisor({ clock, onEvent: (e) => events.push(e) });
    await supervisor.start(standIn(dir, 'comp'));
    process.kill(supervisor.pids()[0].pid, 'SIGKILL');
    await waitFor(() => ofType('exited').length === 1);
    expect(clock.pendingTimers).toBe(1);
    await supervisor.stopAll();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(60_000);
    expect(ofType('started')).toHaveLength(1);
  });
});
