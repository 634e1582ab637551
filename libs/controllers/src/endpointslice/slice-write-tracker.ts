import type { EndpointSlice } from '@skiff/api';

type Expectation = { resourceVersion: string } | 'deleted';

/**
 * Remembers the slices this controller just wrote, per Service, until the informer cache shows them. Reconciling
 * from a cache that lags our own writes would create duplicate slices; while it lags we wait for the watch event,
 * which enqueues the Service again.
 */
export class SliceWriteTracker {
  private readonly expected = new Map<string, Map<string, Expectation>>();

  wrote(serviceKey: string, slice: EndpointSlice): void {
    this.forService(serviceKey).set(slice.metadata.name!, { resourceVersion: slice.metadata.resourceVersion ?? '' });
  }

  deleted(serviceKey: string, sliceName: string): void {
    this.forService(serviceKey).set(sliceName, 'deleted');
  }

  /** True while the cached slices are older than our writes; expectations the cache has met are dropped. */
  isStale(serviceKey: string, cached: readonly EndpointSlice[]): boolean {
    const expectations = this.expected.get(serviceKey);
    if (!expectations) return false;
    const byName = new Map(cached.map((s) => [s.metadata.name!, s]));
    for (const [name, want] of expectations) {
      const have = byName.get(name);
      const met = want === 'deleted' ? !have : have !== undefined && !isOlder(have.metadata.resourceVersion ?? '', want.resourceVersion);
      if (met) expectations.delete(name);
    }
    if (expectations.size === 0) this.expected.delete(serviceKey);
    return expectations.size > 0;
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  private forService(serviceKey: string): Map<string, Expectation> {
    let m = this.expected.get(serviceKey);
    if (!m) this.expected.set(serviceKey, (m = new Map()));
    return m;
  }
}

/** resourceVersions are etcd revisions here, so numeric order is write order; anything else compares by equality. */
function isOlder(have: string, want: string): boolean {
  if (/^\d+$/.test(have) && /^\d+$/.test(want)) return BigInt(have) < BigInt(want);
  return have !== want;
}
