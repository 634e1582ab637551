import fs from 'node:fs';
import { out } from '../command-action';
import type { ClusterPaths } from './cluster-paths';
import { ClusterProgress } from './cluster-progress';
import { dataDirFlag } from './data-dir-flag';
import { AlreadyRunningError, PidFile } from './pid-file';
import { identify, stillRunning, terminateProcess } from './process-identity';
import { StopRequest } from './stop-request';
import { StartError, Supervisor, type ProcessSpec, type SupervisorEvent } from './supervisor';
import { readStatus, writeStatus, type SupervisorPhase, type SupervisorStatus } from './supervisor-status';

/** What a supervised run (`skiff up`, `skiff join`) starts, once its settings and credentials are in place. */
export interface PreparedRun {
  /**
   * The components in the order `start` starts them (the supervisor stops them in reverse): what `--init-only` writes
   * as systemd environment files instead.
   */
  specs: ProcessSpec[];
  /** Starts `specs`; resolves once every one is ready. */
  start(sup: Supervisor): Promise<void>;
  /** Prints how to use what is now running. */
  ready(): void;
  /** Releases what prepare opened (clients). */
  close(): void;
}

export interface RunPlan {
  /** `skiff up` or `skiff join`, for messages. */
  command: string;
  /** Checks the host, settles settings, makes credentials; fills the status's apiServer and node. */
  prepare(report: ClusterProgress, status: SupervisorStatus): Promise<PreparedRun>;
}

/** The spec of component `name` among a plan's specs, for start functions that start some only once others are ready. */
export function specNamed(specs: readonly ProcessSpec[], name: string): ProcessSpec | undefined {
  return specs.find((s) => s.name === name);
}

/** Like specNamed, for a component every such plan has. */
export function requiredSpec(specs: readonly ProcessSpec[], name: string): ProcessSpec {
  const spec = specNamed(specs, name);
  if (!spec) throw new Error(`the plan has no ${name}`);
  return spec;
}

/** Components a supervisor that was killed left running: stopped by PID before anything new starts. */
export async function stopLeftovers(paths: ClusterPaths, print: (line: string) => void): Promise<void> {
  for (const [name, id] of Object.entries(readStatus(paths)?.components ?? {})) {
    if (!stillRunning(id)) continue;
    print(`stopping ${name} (pid ${id.pid}), left running by an earlier run`);
    await terminateProcess(id, name === 'kubelet' ? 30_000 : 10_000);
  }
}

/**
 * Runs a plan's components under a Supervisor in this process, with one data directory's PID file and status: reports
 * progress, prints how to use the result once Ready, and keeps running until SIGINT/SIGTERM, when it stops everything
 * in order. Resolves to the exit code.
 */
export async function superviseRun(paths: ClusterPaths, startedAt: number, plan: RunPlan): Promise<number> {
  fs.mkdirSync(paths.logDir, { recursive: true });
  let pidFile: PidFile;
  try {
    pidFile = PidFile.acquire(paths.pidFile);
  } catch (e) {
    if (!(e instanceof AlreadyRunningError)) throw e;
    out.stderr(`error: ${plan.command} is already running on ${paths.dir} (pid ${e.pid}); \`skiff down${dataDirFlag(paths)}\` stops it\n`);
    return 1;
  }
  const report = new ClusterProgress(startedAt);
  const status: SupervisorStatus = { supervisor: identify(process.pid)!, phase: 'starting', components: {} };
  const setPhase = (phase: SupervisorPhase, error?: string) => {
    status.phase = phase;
    if (error) status.error = error;
    writeStatus(paths, status);
  };
  const trackPids = (e: SupervisorEvent) => {
    if (e.type === 'started') status.components[e.name] = identify(e.pid) ?? { pid: e.pid, startTicks: 0 };
    else if (e.type === 'exited' || e.type === 'stopped') delete status.components[e.name];
    else return;
    writeStatus(paths, status);
  };
  const supervisor = new Supervisor({ onEvent: (e) => (trackPids(e), report.onEvent(e)) });
  const stop = new StopRequest(
    () => {
      report.clear();
      report.print(status.phase === 'ready' ? `Stopping (the kubelet first; the pods keep running and the next \`${plan.command}\` adopts them)...` : 'Stopping before it was Ready...');
    },
    () => {
      report.print('Killing every component now.');
      supervisor.killAll();
    },
  );
  // Whatever ends this process, the components do not outlive it unsupervised.
  const killOnExit = () => supervisor.killAll();
  process.once('exit', killOnExit);
  let prepared: PreparedRun | undefined;
  try {
    // Before this run's status replaces the last one's list of components.
    await stopLeftovers(paths, (l) => report.print(l));
    setPhase('starting');
    prepared = await plan.prepare(report, status);
    writeStatus(paths, status);
    const startup = prepared.start(supervisor);
    startup.catch(() => undefined);
    const stopped = stop.requested.then(() => 'stopped' as const);
    if ((await Promise.race([startup.then(() => 'ready' as const), stopped])) === 'stopped') {
      setPhase('stopping');
      await supervisor.stopAll();
      setPhase('stopped', 'stopped before it was Ready');
      return 1;
    }
    // Printed before the phase says ready: `--detach` returns once it reads that, with the log relayed so far.
    prepared.ready();
    setPhase('ready');
    await stopped;
    setPhase('stopping');
    await supervisor.stopAll();
    setPhase('stopped');
    report.print(`Stopped. The pods keep running; the next \`${plan.command}\` adopts them.`);
    return 0;
  } catch (e) {
    report.clear();
    const err = e as Error;
    const detail = e instanceof StartError ? `${err.message} (log: ${e.logFile})` : err.message;
    out.stderr(`error: ${detail}\n`);
    if (e instanceof StartError && e.logTail) out.stderr(`last lines of ${e.logFile}:\n${e.logTail.replace(/^/gm, '  ')}\n`);
    setPhase('failed', detail);
    await supervisor.stopAll();
    return 1;
  } finally {
    prepared?.close();
    stop.dispose();
    process.off('exit', killOnExit);
    pidFile.release();
  }
}
