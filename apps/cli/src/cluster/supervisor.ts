import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { realClock, type Clock, type TimerHandle } from '@skiff/client';
import { RestartBackoff, defaultRestartBackoff, type RestartBackoffPolicy } from './restart-backoff';

/** One program the supervisor runs, with its output appended to `logFile`. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** Resolves once the process serves (after every start, restarts included); rejecting counts as a failed start. */
  ready?: (run: ProcessRun) => Promise<void>;
  /** How long a SIGTERM gets before SIGKILL when stopping (default 10 s). */
  stopTimeoutMs?: number;
  /** Runs after the process was stopped (e.g. to stop what it leaves behind when it had to be killed). */
  afterStop?: () => Promise<void>;
}

/** One run of a supervised process. */
export interface ProcessRun {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Where this run's output begins in the log file. */
  readonly logOffset: number;
  /** Aborted when this run's process exits, with the way it ended as the reason. */
  readonly exited: AbortSignal;
}

export type SupervisorEvent =
  | { type: 'started'; name: string; pid: number; restarts: number }
  | { type: 'ready'; name: string; pid: number; restarts: number; afterMs: number }
  | { type: 'exited'; name: string; pid: number; how: string; ranForMs: number; restartInMs?: number; logFile: string }
  | { type: 'unready'; name: string; pid: number; error: string }
  | { type: 'stopped'; name: string; pid: number; killed: boolean };

/** A start that failed: the process exited or never became ready. Carries the end of this run's log. */
export class StartError extends Error {
  override name = 'StartError';
  constructor(
    message: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(message);
  }
}

/** The last `lines` lines written to `file` since `offset`. */
export function logTail(file: string, offset: number, lines = 15): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(offset, size - 16 * 1024);
      const buf = Buffer.alloc(Math.max(0, size - start));
      fs.readSync(fd, buf, 0, buf.length, start);
      return buf.toString().trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
}

class Supervised {
  child?: ChildProcess;
  /** Set when the current run's process has exited (or could not be spawned). */
  ended = true;
  run?: ProcessRun;
  exitedPromise?: Promise<void>;
  startedAt = 0;
  restarts = 0;
  restartTimer?: TimerHandle;
  /** Once false, an exit is final: during a first start that failed, and after stop. */
  restartOnExit = false;
  readonly backoff: RestartBackoff;

  constructor(
    readonly spec: ProcessSpec,
    policy: RestartBackoffPolicy,
  ) {
    this.backoff = new RestartBackoff(policy);
  }

  get running(): boolean {
    return this.child !== undefined && !this.ended;
  }
}

export interface SupervisorOptions {
  clock?: Clock;
  backoff?: RestartBackoffPolicy;
  onEvent?: (event: SupervisorEvent) => void;
}

/**
 * Runs processes in their own process groups (a Ctrl-C at the terminal reaches only the supervisor, which then stops
 * them in order), restarts one that exits with backoff, and stops them by PID in the reverse order they were
 * started, each with a bounded wait before SIGKILL.
 */
export class Supervisor {
  private readonly processes: Supervised[] = [];
  private readonly clock: Clock;
  private readonly policy: RestartBackoffPolicy;
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.policy = opts.backoff ?? defaultRestartBackoff;
  }

  /** The PIDs of the processes running now, in start order. */
  pids(): Array<{ name: string; pid: number }> {
    return this.processes.filter((p) => p.running && p.child?.pid !== undefined).map((p) => ({ name: p.spec.name, pid: p.child!.pid! }));
  }

  /**
   * Starts a process and resolves once it is ready; from then on it is restarted whenever it exits. Rejects with a
   * StartError (and leaves nothing running) when it exits first or its readiness check fails.
   */
  async start(spec: ProcessSpec): Promise<void> {
    if (this.stopping) throw new Error(`not starting ${spec.name}: stopping`);
    if (this.processes.some((p) => p.spec.name === spec.name)) throw new Error(`${spec.name} is started already`);
    const p = new Supervised(spec, this.policy);
    this.processes.push(p);
    const run = this.launch(p);
    try {
      await this.waitReady(p, run);
    } catch (e) {
      await this.stopOne(p);
      if (e instanceof StartError) throw e;
      throw new StartError(`${spec.name} did not become ready: ${(e as Error).message}`, spec.logFile, logTail(spec.logFile, run.logOffset));
    }
    if (!p.running || p.run !== run) {
      throw new StartError(`${spec.name} ${run.exited.reason ?? 'exited'} right after it was ready`, spec.logFile, logTail(spec.logFile, run.logOffset));
    }
    p.restartOnExit = true;
  }

  private launch(p: Supervised): ProcessRun {
    const { spec } = p;
    const fd = fs.openSync(spec.logFile, 'a');
    let run: ProcessRun;
    try {
      fs.writeSync(fd, `--- ${new Date(this.clock.now()).toISOString()} ${p.restarts ? `restart ${p.restarts} of` : 'starting'} ${spec.name}: ${spec.command} ${spec.args.join(' ')}\n`);
      const logOffset = fs.fstatSync(fd).size;
      const exited = new AbortController();
      const child = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', fd, fd], detached: true });
      p.child = child;
      p.ended = false;
      p.startedAt = this.clock.now();
      run = { name: spec.name, pid: child.pid ?? -1, logFile: spec.logFile, logOffset, exited: exited.signal };
      p.run = run;
      p.exitedPromise = new Promise<void>((resolve) => {
        let done = false;
        const finish = (how: string) => {
          if (done) return;
          done = true;
          p.ended = true;
          exited.abort(how);
          resolve();
          this.onExit(p, run, how);
        };
        child.once('exit', (code, signal) => finish(describeExit(code, signal)));
        child.once('error', (e) => {
          if (child.pid === undefined) finish(`could not be started: ${e.message}`);
        });
      });
    } finally {
      fs.closeSync(fd);
    }
    if (run.pid > 0) this.emit({ type: 'started', name: spec.name, pid: run.pid, restarts: p.restarts });
    return run;
  }

  /** Resolves when the run is ready; rejects with a StartError when it exits first. */
  private async waitReady(p: Supervised, run: ProcessRun): Promise<void> {
    const began = this.clock.now();
    const exitedFirst = new Promise<never>((_, reject) => {
      const fail = () => reject(new StartError(`${p.spec.name} ${String(run.exited.reason)} before it was ready`, run.logFile, logTail(run.logFile, run.logOffset)));
      if (run.exited.aborted) fail();
      else run.exited.addEventListener('abort', fail, { once: true });
    });
    exitedFirst.catch(() => undefined);
    // Without a PID the spawn failed; its 'error' event ends the run.
    if (run.pid <= 0) await exitedFirst;
    await Promise.race([p.spec.ready ? p.spec.ready(run) : Promise.resolve(), exitedFirst]);
    if (run.exited.aborted) await exitedFirst;
    this.emit({ type: 'ready', name: p.spec.name, pid: run.pid, restarts: p.restarts, afterMs: this.clock.now() - began });
  }

  private onExit(p: Supervised, run: ProcessRun, how: string): void {
    const ranForMs = this.clock.now() - p.startedAt;
    if (this.stopping || !p.restartOnExit) return;
    const restartInMs = p.backoff.afterExit(ranForMs);
    this.emit({ type: 'exited', name: p.spec.name, pid: run.pid, how, ranForMs, restartInMs, logFile: p.spec.logFile });
    p.restartTimer = this.clock.setTimer(() => {
      p.restartTimer = undefined;
      if (this.stopping) return;
      p.restarts++;
      let next: ProcessRun;
      try {
        next = this.launch(p);
      } catch (e) {
        // E.g. the log file cannot be opened: counts as a run that ended at once.
        p.startedAt = this.clock.now();
        this.onExit(p, run, `could not be started: ${(e as Error).message}`);
        return;
      }
      this.waitReady(p, next).catch((e: Error) => {
        // An exit is handled (and the restart scheduled) by onExit; a failed check on a live process ends it the same way.
        if (next.exited.aborted || this.stopping) return;
        this.emit({ type: 'unready', name: p.spec.name, pid: next.pid, error: e.message });
        p.child?.kill('SIGKILL');
      });
    }, restartInMs);
  }

  /** Stops every process, the last started first; resolves once all have exited. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const p of [...this.processes].reverse()) await this.stopOne(p);
  }

  /** SIGKILL to every process at once (a second Ctrl-C, or the supervisor itself dying). */
  killAll(): void {
    this.stopping = true;
    for (const p of this.processes) {
      if (p.restartTimer !== undefined) this.clock.clearTimer(p.restartTimer);
      if (p.running) p.child?.kill('SIGKILL');
    }
  }

  private async stopOne(p: Supervised): Promise<void> {
    p.restartOnExit = false;
    if (p.restartTimer !== undefined) {
      this.clock.clearTimer(p.restartTimer);
      p.restartTimer = undefined;
    }
    if (p.running && p.child?.pid !== undefined) {
      const pid = p.child.pid;
      p.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([p.exitedPromise!.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), p.spec.stopTimeoutMs ?? 10_000)))]);
      clearTimeout(timer);
      if (timedOut) {
        p.child.kill('SIGKILL');
        await p.exitedPromise;
      }
      this.emit({ type: 'stopped', name: p.spec.name, pid, killed: timedOut });
    }
    await p.spec.afterStop?.();
  }

  private emit(event: SupervisorEvent): void {
    this.opts.onEvent?.(event);
  }
}
