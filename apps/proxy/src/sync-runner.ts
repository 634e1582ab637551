import type { Clock, TimerHandle } from '@skiff/client';

export interface SyncRunnerOptions {
  /** Syncs start at least this far apart; changes in between are folded into the next one. */
  minIntervalMs: number;
  /** A full sync runs at least this often even without changes. */
  fullIntervalMs: number;
  /** The first retry after a failed sync; later ones back off by doubling up to fullIntervalMs. */
  retryMs?: number;
  clock: Clock;
}

/**
 * Runs `sync(full)` one at a time, the way kube-proxy's bounded-frequency runner does: a change runs a sync as
 * soon as the minimum interval since the last one allows; a failed sync is retried as a full one with backoff.
 * `sync` resolves true on success.
 */
export class SyncRunner {
  private dirty = false;
  private needFull = true;
  private started = false;
  private stopped = false;
  private running?: Promise<void>;
  private timer?: TimerHandle;
  private timerAt = Infinity;
  private lastRunAt = -Infinity;
  private lastFullAt = -Infinity;
  private retryDelay = 0;
  private notBefore = -Infinity;
  private readonly retryMs: number;

  constructor(
    private readonly sync: (full: boolean) => Promise<boolean>,
    private readonly opts: SyncRunnerOptions,
  ) {
    this.retryMs = opts.retryMs ?? Math.max(opts.minIntervalMs, 1000);
  }

  /** Starts with a full sync at once. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /** Something changed: sync soon. */
  request(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Stops scheduling and waits for a sync under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running;
  }

  private schedule(): void {
    if (!this.started || this.stopped || this.running) return;
    const now = this.opts.clock.now();
    let at = this.lastFullAt + this.opts.fullIntervalMs;
    if (this.dirty || this.needFull) at = Math.min(at, this.lastRunAt + this.opts.minIntervalMs);
    // After a failure nothing runs before the backoff has passed, not even the periodic full sync.
    at = Math.max(at, this.notBefore, now);
    if (this.timer !== undefined && this.timerAt === at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.opts.clock.setTimer(() => this.fire(), at - now);
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.opts.clock.now();
    const full = this.needFull || now >= this.lastFullAt + this.opts.fullIntervalMs;
    this.dirty = false;
    this.needFull = false;
    this.lastRunAt = now;
    this.running = this.runOnce(full, now).finally(() => {
      this.running = undefined;
      this.schedule();
    });
  }

  private async runOnce(full: boolean, startedAt: number): Promise<void> {
    let ok = false;
    try {
      ok = await this.sync(full);
    } catch {
      ok = false;
    }
    if (ok) {
      this.retryDelay = 0;
      this.notBefore = -Infinity;
      if (full) this.lastFullAt = startedAt;
      return;
    }
    this.needFull = true;
    this.retryDelay = this.retryDelay ? Math.min(this.retryDelay * 2, this.opts.fullIntervalMs) : this.retryMs;
    this.notBefore = this.opts.clock.now() + this.retryDelay;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.opts.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
