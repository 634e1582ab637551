import type { KObject, ResourceType, Status } from '@skiff/api';
import { apiVersionOf } from '@skiff/api';
import type { Logger } from '@skiff/logging';
import { ApiError, isGone } from './api-error';
import { jittered, sleep, type Clock } from './clock';
import type { KubeClient, WatchStream } from './kube-client';
import { listAll } from './list-all';

/** Where a reflector delivers what it learns. */
export interface ReflectorSink<T> {
  /** A (re)list finished: these are all the objects there are, as of `resourceVersion`. */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
}

export interface ReflectorOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock: Clock;
  logger: Logger;
  /** Objects per list page; 0 lists in one request. Default 500. */
  pageSize?: number;
  /** Watches ask the server to end after a random time between this and twice this. Default 300 s. */
  minWatchTimeoutSeconds?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** A watch that ends this quickly without delivering anything is treated as a failure, to avoid a hot loop. */
const shortWatchMs = 1000;

/**
 * client-go's reflector: list, then watch from the list's resourceVersion; when a watch ends, watch again from
 * the last resourceVersion seen; on 410 Gone relist; on failures back off exponentially up to a cap. So after an
 * apiserver restart it reconnects and converges without outside help.
 */
export class Reflector<T extends KObject> {
  private lastResourceVersion = '';
  private needList = true;
  private stopped = false;
  private readonly abort = new AbortController();
  private stream?: WatchStream<T>;
  private failures = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly type: ResourceType<any>,
    private readonly sink: ReflectorSink<T>,
    private readonly opts: ReflectorOptions,
  ) {}

  /** The resourceVersion of the last list or event processed. */
  get lastSyncResourceVersion(): string {
    return this.lastResourceVersion;
  }

  /** Runs until `stop()`; never rejects. */
  async run(): Promise<void> {
    while (!this.stopped) {
      let listing = this.needList;
      try {
        if (this.needList) await this.list();
        listing = false;
        await this.watchOnce();
      } catch (err) {
        if (this.stopped) break;
        if (isGone(err) && !listing) {
          this.opts.logger.info(`watch of ${this.type.resource} expired; relisting`, { resourceVersion: this.lastResourceVersion });
          this.needList = true;
          continue;
        }
        // The server answered with an error it may keep giving for this resourceVersion: start over from a list.
        if (err instanceof ApiError) this.needList = true;
        const delay = this.nextBackoff();
        this.opts.logger.warn(`${listing ? 'list' : 'watch'} of ${this.type.resource} failed; retrying in ${Math.round(delay)} ms`, {
          error: (err as Error).message,
        });
        await sleep(this.opts.clock, delay, this.abort.signal);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.stream?.stop();
  }

  private async list(): Promise<void> {
    const list = await listAll<T>(this.client, this.type, this.opts.namespace, {
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      limit: this.opts.pageSize ?? 500,
    });
    if (this.stopped) return;
    const apiVersion = apiVersionOf(this.type);
    // List items come without apiVersion/kind on the wire; cached objects get them so every consumer sees whole objects.
    const items = list.items.map((o) => (o.apiVersion && o.kind ? o : { ...o, apiVersion, kind: this.type.kind }));
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
    this.needList = false;
    this.failures = 0;
    this.sink.replace(items, this.lastResourceVersion);
  }

  private async watchOnce(): Promise<void> {
    const minTimeout = this.opts.minWatchTimeoutSeconds ?? 300;
    const stream = this.client.watch<T>(this.type, this.opts.namespace, {
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.floor(jittered(minTimeout, 1)),
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
    });
    this.stream = stream;
    const started = this.opts.clock.now();
    let events = 0;
    try {
      for await (const ev of stream) {
        if (this.stopped) return;
        events++;
        if (ev.type === 'ERROR') throw new ApiError(ev.object as unknown as Status);
        const rv = ev.object.metadata?.resourceVersion;
        switch (ev.type) {
          case 'ADDED':
            this.sink.added(ev.object);
            break;
          case 'MODIFIED':
            this.sink.modified(ev.object);
            break;
          case 'DELETED':
            this.sink.deleted(ev.object);
            break;
          case 'BOOKMARK':
            break;
          default:
            this.opts.logger.warn(`ignoring watch event of unknown type ${String(ev.type)} for ${this.type.resource}`);
        }
        if (rv) this.lastResourceVersion = rv;
        this.failures = 0;
      }
    } finally {
      this.stream = undefined;
    }
    if (!this.stopped && events === 0 && this.opts.clock.now() - started < shortWatchMs) {
      throw new Error('watch closed immediately without events');
    }
  }

  private nextBackoff(): number {
    const initial = this.opts.initialBackoffMs ?? 800;
    const max = this.opts.maxBackoffMs ?? 30_000;
    const delay = Math.min(max, initial * 2 ** this.failures);
    this.failures++;
    return Math.min(max, jittered(delay, 0.2));
  }
}
