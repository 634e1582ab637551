import type { Logger } from '@skiff/logging';
import type { EtcdStore } from '../storage/etcd-store';

const compactKey = '/registry/compact_rev_key';

/**
 * Compacts etcd history on an interval, keeping one interval's worth: each tick compacts to the revision seen
 * at the previous tick. Several apiservers coordinate through a compare-and-swap on one key, so only one of
 * them compacts per interval.
 */
export class Compactor {
  private timer?: NodeJS.Timeout;
  private lastRevision = 0;
  private lastKeyVersion = -1;

  constructor(
    private readonly store: EtcdStore,
    private readonly logger: Logger,
    private readonly intervalMs = 5 * 60_000,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** One round: claim the interval via the key's version, then compact to the previous round's revision. */
  async tick(): Promise<void> {
    try {
      const cur = await this.store.get(compactKey);
      const version = cur.kv ? Number(cur.kv.modRevision) : 0;
      if (this.lastKeyVersion >= 0 && version !== this.lastKeyVersion) {
        // Someone else compacted since our last look; follow their rhythm.
        this.lastKeyVersion = version;
        return;
      }
      const res = await this.store.txn(
        [{ key: Buffer.from(compactKey), target: 'Mod', result: 'Equal', mod_revision: version }],
        [{ request_put: { key: Buffer.from(compactKey), value: Buffer.from(String(cur.revision)) } }],
      );
      if (!res.succeeded) return;
      this.lastKeyVersion = Number(res.header.revision);
      const target = this.lastRevision;
      this.lastRevision = cur.revision;
      if (target > 0) {
        await this.store.compact(target);
        this.logger.info('compacted etcd history', { revision: target });
      }
    } catch (e) {
      this.logger.warn('etcd compaction failed', { error: String(e) });
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
