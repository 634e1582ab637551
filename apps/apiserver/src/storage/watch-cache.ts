import type { KObject, ResourceType } from '@skiff/api';
import type { Logger } from '@skiff/logging';
import type { ApiserverMetrics } from '../server/metrics';
import type { EtcdStore, StoreWatchEvent } from './etcd-store';
import { collectionPrefix, decodeStored } from './keys';
import { viewOf, type SelectableView } from './selectable-view';
import { serialized } from './serialized';
import { StorageError } from './storage-error';

export interface CachedObject {
  key: string;
  /** The object serialised once, shared by every list and watch that sends it. */
  json: string;
  rv: number;
  view: SelectableView;
}

/** The parsed object behind a cache entry; parsed on demand, since the cache keeps only text. */
export function objectOf(c: CachedObject): KObject {
  return JSON.parse(c.json) as KObject;
}

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface CacheEvent {
  type: CacheEventType;
  cur: CachedObject;
  /** The previous state, for selector transitions (an object that stops matching is a DELETED to that watcher). */
  prev?: SelectableView;
  rv: number;
}

export interface CacheWatcher {
  /** Delivers one event; returns false when the watcher wants to stop. */
  deliver(type: CacheEventType, obj: CachedObject): boolean;
  bookmark(rv: number): void;
  close(reason?: StorageError): void;
  matches(view: SelectableView): boolean;
  startRv: number;
  wantsBookmarks: boolean;
}

const historyCapacity = 10_000;
// Writes this apiserver made whose watch events have not arrived yet; bounded in case an event never comes.
const maxPendingWrites = 10_000;

/**
 * One etcd watch per resource, fanned out in memory to every client watch, plus the current state of every
 * object, so that `list?resourceVersion=0`, informer relists and watches from a recent resourceVersion never
 * touch etcd. History is a bounded ring of recent events; a watch from before it gets 410 Expired.
 */
export class WatchCache {
  private readonly objects = new Map<string, CachedObject>();
  private readonly history: CacheEvent[] = [];
  /** Every event with rv > historyStart is in `history`. */
  private historyStart = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private readonly pendingWrites = new Map<string, { stored: string; obj: KObject }>();
  private cancelWatch?: () => void;
  private bookmarkTimer?: NodeJS.Timeout;
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;
  private readyPromise?: Promise<void>;
  /** The highest revision this cache has observed. */
  revision = 0;
  ready = false;

  constructor(
    private readonly store: EtcdStore,
    readonly type: ResourceType,
    private readonly logger: Logger,
    private readonly metrics?: ApiserverMetrics,
    /** How often watchers that asked for bookmarks get one; Kubernetes sends them about once a minute. */
    private readonly bookmarkIntervalMs = 60_000,
  ) {}

  /** Loads the state and starts watching; retries in the background until etcd answers. */
  start(): Promise<void> {
    this.readyPromise ??= this.init();
    return this.readyPromise;
  }

  private async init(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.load();
        return;
      } catch (e) {
        if (attempt === 0 || attempt % 20 === 0) this.logger.warn('watch cache could not load, retrying', { resource: this.type.resource, error: String(e) });
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  private async load(): Promise<void> {
    const prefix = collectionPrefix(this.type);
    const snapshot = await this.store.rangeAll(prefix);
    this.objects.clear();
    this.pendingWrites.clear();
    for (const kv of snapshot.kvs) this.objects.set(kv.key, this.cached(kv.key, kv.value, kv.modRevision));
    this.history.length = 0;
    this.historyStart = snapshot.revision;
    this.revision = snapshot.revision;
    const w = await this.store.watchPrefix(prefix, snapshot.revision + 1, (evs) => this.ingest(evs), (err) => this.onWatchError(err));
    this.cancelWatch = w.cancel;
    this.ready = true;
    this.updateGauge();
    this.bookmarkTimer ??= setInterval(() => this.sendBookmarks(), this.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  private onWatchError(err: StorageError): void {
    if (this.stopped) return;
    this.logger.warn('watch cache lost its etcd watch; reloading', { resource: this.type.resource, error: err.message });
    this.ready = false;
    // Watchers cannot be resumed across a reload without gaps, so they are ended; clients re-watch or relist.
    for (const w of this.watchers) w.close(new StorageError('Compacted', err.message));
    this.watchers.clear();
    this.readyPromise = undefined;
    this.restartTimer = setTimeout(() => void this.start(), 100);
  }

  private cached(key: string, value: Buffer, rv: number): CachedObject {
    const pending = this.pendingWrites.get(key);
    let obj: KObject;
    if (pending && pending.stored === value.toString()) {
      // This apiserver wrote exactly this value and still holds it parsed; no need to decode it again.
      this.pendingWrites.delete(key);
      obj = pending.obj;
      obj.metadata.resourceVersion = String(rv);
    } else {
      obj = decodeStored(value, rv);
    }
    return { key, json: serialized(obj), rv, view: viewOf(this.type, obj) };
  }

  /**
   * Tells the cache that this apiserver is about to store `stored` (the encoded `obj`) at `key`. The watch event
   * may arrive before the write's own response, so this is registered before the write is sent.
   */
  expectWrite(key: string, stored: string, obj: KObject): void {
    if (!this.ready || this.pendingWrites.size >= maxPendingWrites) return;
    this.pendingWrites.set(key, { stored, obj });
  }

  /** Withdraws an expectation whose write failed. */
  cancelWrite(key: string, obj: KObject): void {
    if (this.pendingWrites.get(key)?.obj === obj) this.pendingWrites.delete(key);
  }

  private ingest(events: StoreWatchEvent[]): void {
    for (const e of events) {
      if (e.revision <= this.revision) continue;
      let ev: CacheEvent;
      if (e.kind === 'put') {
        const cur = this.cached(e.kv.key, e.kv.value, e.revision);
        const prev = this.objects.get(e.kv.key);
        this.objects.set(e.kv.key, cur);
        ev = { type: prev ? 'MODIFIED' : 'ADDED', cur, prev: prev?.view, rv: e.revision };
      } else {
        const prev = this.objects.get(e.kv.key);
        this.objects.delete(e.kv.key);
        this.pendingWrites.delete(e.kv.key);
        // A DELETED event carries the last state, with the deletion's revision as its resourceVersion.
        const last = prev ? objectOf(prev) : e.prev ? decodeStored(e.prev.value, e.revision) : undefined;
        if (!last) continue;
        last.metadata.resourceVersion = String(e.revision);
        const view = prev?.view ?? viewOf(this.type, last);
        ev = { type: 'DELETED', cur: { key: e.kv.key, json: JSON.stringify(last), rv: e.revision, view }, prev: view, rv: e.revision };
      }
      this.revision = e.revision;
      this.record(ev);
      this.dispatch(ev);
    }
    this.updateGauge();
  }

  private record(ev: CacheEvent): void {
    this.history.push(ev);
    if (this.history.length > historyCapacity) {
      const dropped = this.history.splice(0, this.history.length - historyCapacity);
      this.historyStart = dropped[dropped.length - 1].rv;
    }
  }

  private dispatch(ev: CacheEvent): void {
    for (const w of this.watchers) {
      if (ev.rv <= w.startRv) continue;
      if (!this.send(w, ev)) {
        this.watchers.delete(w);
        w.close();
      }
    }
  }

  /** Sends one event to one watcher, turning selector transitions into ADDED/DELETED as Kubernetes does. */
  private send(w: CacheWatcher, ev: CacheEvent): boolean {
    const nowMatches = ev.type !== 'DELETED' && w.matches(ev.cur.view);
    const wasMatching = ev.prev !== undefined && w.matches(ev.prev);
    if (ev.type === 'DELETED') return wasMatching ? w.deliver('DELETED', ev.cur) : true;
    if (nowMatches && wasMatching) return w.deliver('MODIFIED', ev.cur);
    if (nowMatches) return w.deliver('ADDED', ev.cur);
    if (wasMatching) return w.deliver('DELETED', ev.cur);
    return true;
  }

  private sendBookmarks(): void {
    // Never older than where the watcher started: a client resumes from the bookmark.
    for (const w of this.watchers) if (w.wantsBookmarks) w.bookmark(Math.max(this.revision, w.startRv));
  }

  private updateGauge(): void {
    this.metrics?.cachedObjects.set({ group: this.type.group, resource: this.type.resource }, this.objects.size);
  }

  /** Current objects under `prefix`, in key order. */
  list(prefix?: string): CachedObject[] {
    const out: CachedObject[] = [];
    for (const c of this.objects.values()) if (!prefix || c.key.startsWith(prefix)) out.push(c);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /**
   * Registers a watcher. `fromRv` 0 means "current state as ADDED events, then changes"; otherwise the
   * changes after fromRv are replayed from history, or a 410 is raised when history no longer reaches back.
   */
  watch(w: CacheWatcher, fromRv: number, prefix?: string): () => void {
    if (!this.ready) throw new StorageError('Unavailable', `the watch cache for ${this.type.resource} is not ready yet`);
    if (fromRv === 0) {
      for (const c of this.list(prefix)) {
        if (w.matches(c.view) && !w.deliver('ADDED', c)) return () => undefined;
      }
      w.startRv = this.revision;
    } else {
      if (fromRv < this.historyStart) {
        throw new StorageError('Compacted', `too old resource version: ${fromRv} (${this.historyStart})`);
      }
      w.startRv = fromRv;
      for (const ev of this.history) {
        if (ev.rv <= fromRv || (prefix && !ev.cur.key.startsWith(prefix))) continue;
        if (!this.send(w, ev)) return () => undefined;
      }
      w.startRv = Math.max(fromRv, this.revision);
    }
    this.watchers.add(w);
    this.updateWatchGauge();
    return () => {
      this.watchers.delete(w);
      this.updateWatchGauge();
    };
  }

  private updateWatchGauge(): void {
    this.metrics?.openWatches.set({ group: this.type.group, resource: this.type.resource }, this.watchers.size);
  }

  /** The oldest resourceVersion a watch may start from. */
  get oldestWatchableRevision(): number {
    return this.historyStart;
  }

  stop(): void {
    this.stopped = true;
    this.cancelWatch?.();
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    for (const w of this.watchers) w.close();
    this.watchers.clear();
  }
}
