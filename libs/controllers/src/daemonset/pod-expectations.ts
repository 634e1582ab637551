import type { Pod } from '@skiff/api';

/**
 * The pods a controller just created or deleted, per owner, until the informer cache reflects them. Acting on a
 * cache that lags its own writes would create a second pod for a node (or ordinal); while it lags, the owner
 * waits for the watch events, which enqueue it again.
 */
export class PodExpectations {
  private readonly pending = new Map<string, Map<string, { op: 'create' | 'delete'; at: number }>>();

  /** Kubernetes' expectations TTL: a write whose event never comes (the pod came and went unseen) stops blocking after this. */
  static readonly ttlMs = 5 * 60_000;

  constructor(private readonly now: () => number) {}

  created(ownerKey: string, podName: string): void {
    this.forOwner(ownerKey).set(podName, { op: 'create', at: this.now() });
  }

  deleted(ownerKey: string, podName: string): void {
    this.forOwner(ownerKey).set(podName, { op: 'delete', at: this.now() });
  }

  /** True while some write is not yet visible in `cached`; those that are visible (or expired) are forgotten. */
  isStale(ownerKey: string, cached: readonly Pod[]): boolean {
    const pending = this.pending.get(ownerKey);
    if (!pending) return false;
    const byName = new Map(cached.map((p) => [p.metadata.name!, p]));
    for (const [name, { op, at }] of pending) {
      const pod = byName.get(name);
      const seen = op === 'create' ? pod !== undefined : !pod || pod.metadata.deletionTimestamp !== undefined;
      if (seen || this.now() - at >= PodExpectations.ttlMs) pending.delete(name);
    }
    if (pending.size === 0) this.pending.delete(ownerKey);
    return pending.size > 0;
  }

  forget(ownerKey: string): void {
    this.pending.delete(ownerKey);
  }

  private forOwner(ownerKey: string): Map<string, { op: 'create' | 'delete'; at: number }> {
    let m = this.pending.get(ownerKey);
    if (!m) this.pending.set(ownerKey, (m = new Map()));
    return m;
  }
}
