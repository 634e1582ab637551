import type { EtcdStore } from '../storage/etcd-store';

const reuseWindowMs = 60_000;

/**
 * etcd leases for objects that expire (Events). Granting one lease per write would double the write load, so
 * writes within a minute share a lease whose TTL covers the longest of them, as the real apiserver does.
 */
export class LeaseReuse {
  private current?: { id: Promise<string>; ttl: number; grantedAt: number };

  constructor(private readonly store: EtcdStore) {}

  leaseFor(ttlSeconds: number): Promise<string> {
    const now = Date.now();
    const c = this.current;
    if (c && c.ttl === ttlSeconds && now - c.grantedAt < reuseWindowMs) return c.id;
    const id = this.store.grantLease(ttlSeconds + reuseWindowMs / 1000);
    this.current = { id, ttl: ttlSeconds, grantedAt: now };
    id.catch(() => {
      if (this.current?.id === id) this.current = undefined;
    });
    return id;
  }
}
