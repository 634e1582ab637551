import type { Clock } from '@skiff/client';

/** Kubernetes' ExpectationsTimeout: expectations older than this are treated as satisfied, so a lost watch event cannot wedge a controller. */
export const expectationsTtlMs = 5 * 60_000;

interface Expectation {
  creations: number;
  /** Keys (`namespace/name`) of the pods whose deletion was requested and not yet seen. */
  deletions: Set<string>;
  setAt: number;
}

/**
 * What a controller has asked the apiserver to do and has not yet seen through its informers, per owner key.
 * While expectations are pending the owner is not synced again, so a slow watch never causes double creates.
 */
export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = expectationsTtlMs,
  ) {}

  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { creations: count, deletions: new Set(), setAt: this.clock.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.byKey.set(key, { creations: 0, deletions: new Set(podKeys), setAt: this.clock.now() });
  }

  /** A create was seen by the informer, or will never happen (it failed or was skipped). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e && e.creations > 0) e.creations--;
  }

  /** A pod whose deletion was expected is gone or terminating, or its delete failed. */
  deletionObserved(key: string, podKey: string): void {
    this.byKey.get(key)?.deletions.delete(podKey);
  }

  /** True when nothing is pending, nothing was ever recorded, or the record has expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.creations <= 0 && e.deletions.size === 0) return true;
    return this.clock.now() - e.setAt > this.ttlMs;
  }

  pending(key: string): { creations: number; deletions: number } | undefined {
    const e = this.byKey.get(key);
    return e && { creations: e.creations, deletions: e.deletions.size };
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
