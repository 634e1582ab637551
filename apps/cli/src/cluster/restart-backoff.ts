/** How long a supervised process waits before it is started again after a crash. */
export interface RestartBackoffPolicy {
  /** The first delay (1 s). */
  initialMs: number;
  /** Delays double up to this (30 s). */
  maxMs: number;
  /** A run at least this long (60 s) counts as healthy: the next crash starts over at initialMs. */
  resetAfterMs: number;
}

export const defaultRestartBackoff: RestartBackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delays of one process: 1 s, 2 s, 4 s ... 30 s, back to 1 s after a run of a minute or more. */
export class RestartBackoff {
  private nextMs: number;

  constructor(private readonly policy: RestartBackoffPolicy = defaultRestartBackoff) {
    this.nextMs = policy.initialMs;
  }

  /** The delay before the next start, given how long the run that just ended lasted. */
  afterExit(ranForMs: number): number {
    if (ranForMs >= this.policy.resetAfterMs) this.nextMs = this.policy.initialMs;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.policy.maxMs);
    return delay;
  }
}
