import { WorkQueue } from '@skiff/client';
import type { Controller, ControllerContext } from './controller';

/**
 * The shared half of every controller: the queue and its workers. A subclass sets up informers in its
 * constructor (handlers only call `enqueue`) and implements `reconcile(key)`; failures are retried with the
 * queue's per-key exponential backoff, successes forget the key.
 */
export abstract class QueueController implements Controller {
  readonly queue: WorkQueue<string>;
  private workers: Promise<void>[] = [];

  constructor(
    readonly name: string,
    protected readonly ctx: ControllerContext,
  ) {
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
  }

  abstract reconcile(key: string): Promise<void>;

  enqueue(key: string): void {
    this.queue.add(key);
    this.ctx.metrics?.queueDepth.set({ controller: this.name }, this.queue.len());
  }

  /** Takes one key and reconciles it; false once the queue has shut down. Tests call this to step a controller. */
  async processNext(): Promise<boolean> {
    const key = await this.queue.get();
    if (key === undefined) return false;
    const started = this.ctx.clock.now();
    try {
      await this.reconcile(key);
      this.queue.forget(key);
    } catch (e) {
      this.ctx.metrics?.reconcileErrors.inc({ controller: this.name });
      this.ctx.logger.warn('reconcile failed; will retry', { controller: this.name, key, error: e instanceof Error ? e.message : String(e) });
      this.queue.addRateLimited(key);
    } finally {
      this.queue.done(key);
      this.ctx.metrics?.reconcileSeconds.observe({ controller: this.name }, (this.ctx.clock.now() - started) / 1000);
      this.ctx.metrics?.queueDepth.set({ controller: this.name }, this.queue.len());
    }
    return true;
  }

  run(workers: number): void {
    for (let i = 0; i < workers; i++) {
      this.workers.push(
        (async () => {
          while (await this.processNext());
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.workers);
  }
}
