import type { KObject, ResourceType } from '@skiff/api';
import { silentLogger, type Logger } from '@skiff/logging';
import { realClock, type Clock } from './clock';
import { Informer, type InformerOptions } from './informer';
import type { KubeClient } from './kube-client';

export interface InformerFactoryOptions {
  /** Restrict every informer to one namespace. */
  namespace?: string;
  /** Default resync period for the informers made. */
  resyncPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Hands out one shared informer per resource type, so every controller in a program reads the same cache over
 * one watch. Informers requested after `start()` start at once.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<any>>();
  private started = false;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: InformerFactoryOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger();
  }

  forResource<T extends KObject>(type: ResourceType<any>, extra: Pick<InformerOptions<T>, 'indexers'> = {}): Informer<T> {
    const key = `${type.group}/${type.version}/${type.resource}`;
    let informer = this.informers.get(key) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>(this.client, type, {
        namespace: this.opts.namespace,
        resyncPeriodMs: this.opts.resyncPeriodMs,
        clock: this.clock,
        logger: this.logger.child({ informer: type.resource }),
      });
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    // Each caller may bring its own indexes; one already present under the same name is kept.
    const missing = Object.entries(extra.indexers ?? {}).filter(([name]) => !informer!.indexer.hasIndex(name));
    if (missing.length) informer.addIndexers(Object.fromEntries(missing));
    return informer;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves true once every informer made so far has synced; false if the signal aborts or one stops first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    const allSynced = Promise.all([...this.informers.values()].map((i) => i.waitForSync())).then((results) => results.every(Boolean));
    if (!signal) return allSynced;
    // One abort listener for the whole set: one per informer on a shared signal trips Node's listener-leak warning past 10.
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      void allSynced.then((synced) => {
        signal.removeEventListener('abort', onAbort);
        resolve(synced);
      });
    });
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }
}
