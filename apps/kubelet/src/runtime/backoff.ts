import type { Clock } from '@skiff/client';

interface Entry {
  durationMs: number;
  lastUpdateMs: number;
}

/**
 * Per-key exponential back-off as the kubelet keeps it for crashing containers and failing image pulls:
 * each `next` doubles the key's delay up to the cap; a key left alone for twice the cap starts over.
 */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  /** Records another failure for the key and returns the delay now in force. */
  next(key: string): number {
    const now = this.clock.now();
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdateMs > 2 * this.maxMs) {
      this.entries.set(key, { durationMs: this.initialMs, lastUpdateMs: now });
      return this.initialMs;
    }
    e.durationMs = Math.min(e.durationMs * 2, this.maxMs);
    e.lastUpdateMs = now;
    return e.durationMs;
  }

  /** The delay in force for the key, 0 when none. */
  delay(key: string): number {
    return this.entries.get(key)?.durationMs ?? 0;
  }

  /**
   * Milliseconds still to wait after a failure at `sinceMs` (default: the key's last `next`); 0 when the
   * back-off has passed or the key has none.
   */
  remaining(key: string, sinceMs?: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, (sinceMs ?? e.lastUpdateMs) + e.durationMs - this.clock.now());
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key with the prefix, e.g. everything about a deleted pod. */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
