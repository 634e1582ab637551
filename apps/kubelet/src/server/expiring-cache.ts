/**
 * The webhook answers the kubelet keeps (token reviews, access reviews): each entry lives for the time it was stored
 * with, and past `maxEntries` the oldest written goes first.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value while it is fresh, else undefined. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expires > this.now() ? entry.value : undefined;
  }

  set(key: string, value: V, ttlMs: number): void {
    // Deleting first moves the key to the end of the Map's order, which is what eviction goes by.
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
