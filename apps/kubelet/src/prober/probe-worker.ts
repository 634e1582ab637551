import type { Container, Probe } from '@skiff/api';
import type { Clock, TimerHandle } from '@skiff/client';
import type { ExecRunner } from './exec-probe';
import type { ProbeOutcome, ProbeResult, ProbeType } from './probe-outcome';
import { probeSettings, type ProbeSettings } from './probe-settings';
import { runProbe } from './run-probe';

/** A change of a container's probe result, after thresholds. */
export interface ProbeResultChange {
  containerId: string;
  result: ProbeResult;
  /** The output of the probe run that settled the result ('' for results not set by a probe run). */
  output: string;
}

export interface ProbeWorkerOptions {
  type: ProbeType;
  probe: Probe;
  container: Pick<Container, 'name' | 'ports'>;
  clock: Clock;
  runtime: ExecRunner;
  /** The pod's IP at the moment of probing. */
  podIP: () => string | undefined;
  /** Whether the container's startup probe (if any) has passed; liveness and readiness wait for it. */
  startupPassed: () => boolean;
  /** Every probe run's raw outcome, for events and metrics. */
  onOutcome: (outcome: ProbeOutcome, containerId: string) => void;
  /** Called when the result for the current container changes. */
  onChange: (change: ProbeResultChange) => void;
}

/** One container instance the worker probes. A restarted container is a new instance with a new ID. */
interface Instance {
  containerId: string;
  startedAtMs: number;
  running: boolean;
}

/**
 * Probes one container of one pod with one probe (liveness, readiness or startup) on the clock: first when the
 * initial delay after the container's start has passed, then every period. A result only changes after
 * `successThreshold`/`failureThreshold` identical results in a row. A liveness failure or a startup result puts
 * the worker on hold until the container is replaced (a new container ID); liveness and readiness wait until the
 * startup probe has passed. Probe runs never overlap.
 */
export class ProbeWorker {
  readonly type: ProbeType;
  readonly settings: ProbeSettings;
  private instance: Instance | undefined;
  private current: ProbeResult | undefined;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private inFlight = false;
  private triggerPending = false;
  private stopped = false;
  /** Bumped whenever the probed instance changes or probing stops, so late results are dropped. */
  private generation = 0;
  private timer: TimerHandle | undefined;
  private tickAt = 0;

  constructor(private readonly opts: ProbeWorkerOptions) {
    this.type = opts.type;
    this.settings = probeSettings(opts.probe, opts.type);
  }

  /** The result for `containerId` (the current container when omitted), or undefined when it is not the one probed. */
  result(containerId?: string): ProbeResult | undefined {
    if (!this.instance || (containerId !== undefined && containerId !== this.instance.containerId)) return undefined;
    return this.current;
  }

  get containerId(): string | undefined {
    return this.instance?.containerId;
  }

  containerStarted(containerId: string, startedAtMs: number): void {
    if (this.stopped) return;
    if (this.instance?.containerId === containerId && this.instance.running) return;
    this.cancelTimer();
    this.generation++;
    this.instance = { containerId, startedAtMs, running: true };
    this.current = initialResult(this.type);
    this.lastResult = undefined;
    this.resultRun = 0;
    this.onHold = false;
    this.inFlight = false;
    this.triggerPending = false;
    this.schedule(Math.max(this.opts.clock.now(), this.probeFrom()));
  }

  /** The container exited: probing pauses until a container starts again, and it is no longer ready. */
  containerStopped(containerId?: string): void {
    const inst = this.instance;
    if (!inst || (containerId !== undefined && containerId !== inst.containerId) || !inst.running) return;
    inst.running = false;
    this.cancelTimer();
    this.generation++;
    this.inFlight = false;
    if (this.type === 'readiness') this.set('failure', '');
  }

  /**
   * Probe now instead of at the next period (the startup probe just passed, so readiness need not wait a whole
   * period); the period then counts from this run.
   */
  trigger(): void {
    const inst = this.instance;
    if (this.stopped || !inst?.running || this.onHold) return;
    if (this.opts.clock.now() < this.probeFrom()) return;
    if (this.inFlight) {
      this.triggerPending = true;
      return;
    }
    this.cancelTimer();
    this.schedule(this.opts.clock.now());
  }

  /**
   * The pod is being deleted: liveness and startup probes stop and report success, so nothing restarts a
   * container that is shutting down anyway. Readiness keeps probing.
   */
  stopForTermination(): void {
    if (this.type === 'readiness' || this.stopped) return;
    if (this.instance) this.set('success', '');
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.cancelTimer();
  }

  private probeFrom(): number {
    return (this.instance?.startedAtMs ?? 0) + this.settings.initialDelaySeconds * 1000;
  }

  private schedule(at: number): void {
    this.tickAt = at;
    this.timer = this.opts.clock.setTimer(() => void this.tick(), at - this.opts.clock.now());
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.opts.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    const inst = this.instance;
    if (this.stopped || !inst?.running || this.onHold) return;
    if (this.type !== 'startup' && !this.opts.startupPassed()) return this.scheduleNext();
    const generation = this.generation;
    this.inFlight = true;
    const outcome = await runProbe(
      {
        probe: this.opts.probe,
        container: this.opts.container,
        containerId: inst.containerId,
        podIP: this.opts.podIP(),
        timeoutSeconds: this.settings.timeoutSeconds,
      },
      { runtime: this.opts.runtime, clock: this.opts.clock },
    );
    if (generation !== this.generation) return;
    this.inFlight = false;
    this.opts.onOutcome(outcome, inst.containerId);
    this.apply(outcome);
    if (this.onHold) return;
    if (this.triggerPending) {
      this.triggerPending = false;
      this.schedule(this.opts.clock.now());
    } else {
      this.scheduleNext();
    }
  }

  /** Fixed-rate ticks; a run that overran its period is followed by the next run at once, never by a burst. */
  private scheduleNext(): void {
    const now = this.opts.clock.now();
    this.schedule(Math.max(now, this.tickAt + this.settings.periodSeconds * 1000));
  }

  private apply(outcome: ProbeOutcome): void {
    // A probe that could not run says nothing about the container: the previous result stands.
    if (outcome.result === 'unknown') return;
    const result = outcome.result;
    if (result === this.lastResult) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold = result === 'failure' ? this.settings.failureThreshold : this.settings.successThreshold;
    if (this.resultRun < threshold) return;
    this.set(result, outcome.output);
    if ((this.type === 'liveness' && result === 'failure') || this.type === 'startup') {
      // The container is restarted (or has started): nothing to probe until a new container ID shows up.
      this.onHold = true;
      this.resultRun = 0;
    }
  }

  private set(result: ProbeResult, output: string): void {
    if (!this.instance || result === this.current) return;
    this.current = result;
    this.opts.onChange({ containerId: this.instance.containerId, result, output });
  }
}

/** Until a probe says otherwise a container is alive, not ready, and not known to have started. */
function initialResult(type: ProbeType): ProbeResult {
  return type === 'liveness' ? 'success' : type === 'readiness' ? 'failure' : 'unknown';
}
