import { Etcd3 } from 'etcd3';

/** Every key under /registry/ with its mod revision: equal snapshots mean nothing was written. */
export async function registrySnapshot(endpoint: string): Promise<Record<string, string>> {
  const etcd = new Etcd3({ hosts: endpoint });
  try {
    const res = await etcd.kv.range({ key: Buffer.from('/registry/'), range_end: Buffer.from('/registry0') });
    const out: Record<string, string> = {};
    for (const kv of res.kvs) {
      const key = kv.key.toString();
      // The compactor's bookkeeping key is not cluster state.
      if (key !== '/registry/compact_rev_key') out[key] = kv.mod_revision;
    }
    return out;
  } finally {
    etcd.close();
  }
}

export async function leaseOf(endpoint: string, key: string): Promise<string | undefined> {
  const etcd = new Etcd3({ hosts: endpoint });
  try {
    const res = await etcd.kv.range({ key: Buffer.from(key) });
    return res.kvs[0]?.lease;
  } finally {
    etcd.close();
  }
}
