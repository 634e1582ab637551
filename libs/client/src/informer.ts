import type { KObject, ResourceType } from '@skiff/api';
import { silentLogger, type Logger } from '@skiff/logging';
import { realClock, type Clock, type TimerHandle } from './clock';
import { byNamespace, Indexer, namespaceIndex, objectKey, type Indexers } from './indexer';
import type { KubeClient } from './kube-client';
import { Lister } from './lister';
import { Reflector, type ReflectorSink } from './reflector';

export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions<T extends KObject> {
  /** Watch one namespace only; all namespaces when unset. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every this often, onUpdate(obj, obj) is delivered for every cached object; 0 or unset disables it. */
  resyncPeriodMs?: number;
  /** Extra indexes; byNamespace is always present for namespaced types. */
  indexers?: Indexers<T>;
  clock?: Clock;
  logger?: Logger;
  /** Passed to the reflector; see ReflectorOptions. */
  pageSize?: number;
  minWatchTimeoutSeconds?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * A cache of one resource kept current by a reflector, with event handlers and an indexed store that listers
 * read. Handlers run synchronously in event order and should only enqueue work; a throwing handler is logged.
 */
export class Informer<T extends KObject = KObject> {
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly reflector: Reflector<T>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private synced = false;
  private started = false;
  private stopped = false;
  private syncWaiters: ((synced: boolean) => void)[] = [];
  private resyncTimer?: TimerHandle;

  constructor(
    client: KubeClient,
    readonly type: ResourceType<any>,
    private readonly opts: InformerOptions<T> = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger();
    this.indexer = new Indexer<T>(type.namespaced ? { [namespaceIndex]: byNamespace } : {});
    if (opts.indexers) this.indexer.addIndexers(opts.indexers);
    this.lister = new Lister<T>(this.indexer, type.namespaced);
    this.reflector = new Reflector<T>(client, type, this.sink(), {
      namespace: opts.namespace,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      clock: this.clock,
      logger: this.logger,
      pageSize: opts.pageSize,
      minWatchTimeoutSeconds: opts.minWatchTimeoutSeconds,
      initialBackoffMs: opts.initialBackoffMs,
      maxBackoffMs: opts.maxBackoffMs,
    });
  }

  /**
   * Registers handlers and returns a function that unregisters them. A handler added after the cache has
   * synced first gets onAdd for every cached object, so late subscribers see the same world as early ones.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.indexer.list()) this.call('onAdd', () => handlers.onAdd?.(obj));
    return () => this.handlers.delete(handlers);
  }

  addIndexers(indexers: Indexers<T>): void {
    this.indexer.addIndexers(indexers);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.reflector.run();
    this.scheduleResync();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reflector.stop();
    if (this.resyncTimer !== undefined) this.clock.clearTimer(this.resyncTimer);
    for (const w of this.syncWaiters.splice(0)) w(false);
  }

  /** True once the first list has been stored. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, or false if the informer stops or the signal aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(false);
      };
      const done = (synced: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  private sink(): ReflectorSink<T> {
    return {
      replace: (items) => {
        const seen = new Set<string>();
        // As in client-go, every object a relist returns that was already cached is reported as an update, changed or not.
        for (const obj of items) {
          seen.add(objectKey(obj));
          this.store(obj);
        }
        // Objects the relist no longer returns were deleted while we were not watching.
        for (const key of this.indexer.listKeys()) {
          if (seen.has(key)) continue;
          const gone = this.indexer.remove(key);
          if (gone) this.dispatchDelete(gone);
        }
        if (!this.synced) {
          this.synced = true;
          for (const w of this.syncWaiters.splice(0)) w(true);
        }
      },
      added: (obj) => this.store(obj),
      modified: (obj) => this.store(obj),
      deleted: (obj) => {
        this.indexer.remove(objectKey(obj));
        this.dispatchDelete(obj);
      },
    };
  }

  /** ADDED for a known key is an update and MODIFIED for an unknown one an add, as in client-go. */
  private store(obj: T): void {
    const old = this.indexer.upsert(obj);
    for (const h of this.handlers) {
      if (old) this.call('onUpdate', () => h.onUpdate?.(old, obj));
      else this.call('onAdd', () => h.onAdd?.(obj));
    }
  }

  private dispatchDelete(obj: T): void {
    for (const h of this.handlers) this.call('onDelete', () => h.onDelete?.(obj));
  }

  private scheduleResync(): void {
    const period = this.opts.resyncPeriodMs;
    if (!period || this.stopped) return;
    this.resyncTimer = this.clock.setTimer(() => {
      if (this.stopped) return;
      if (this.synced) {
        for (const obj of this.indexer.list()) for (const h of this.handlers) this.call('onUpdate', () => h.onUpdate?.(obj, obj));
      }
      this.scheduleResync();
    }, period);
  }

  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error(`${this.type.resource} ${what} handler failed`, { error: (err as Error).message });
    }
  }
}
