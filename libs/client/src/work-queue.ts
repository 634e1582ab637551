import { realClock, type Clock, type TimerHandle } from './clock';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter';

export interface WorkQueueOptions<K> {
  clock?: Clock;
  rateLimiter?: RateLimiter<K>;
}

/**
 * client-go's rate-limited work queue. A key is queued at most once however often it is added; a key being
 * processed (between `get` and `done`) is never handed to a second worker: adds meanwhile mark it dirty and it
 * is queued again on `done`. Delayed adds keep the earliest deadline per key.
 */
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { readyAt: number; timer: TimerHandle }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) this.handOut(key, getter);
    else this.queue.push(key);
  }

  /** Adds the key once `ms` have passed on the clock. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    if (existing) this.clock.clearTimer(existing.timer);
    const timer = this.clock.setTimer(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, timer });
  }

  /** Adds the key after the rate limiter's delay; each call counts as one more failure for it. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key succeeded: its backoff starts over. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key, waiting for one if the queue is empty; undefined once the queue shuts down. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.startProcessing(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Processing of the key finished; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      const getter = this.getters.shift();
      if (getter) this.handOut(key, getter);
      else this.queue.push(key);
    }
  }

  /** Stops handing out keys: waiting and later `get`s return undefined, adds are ignored, timers are cancelled. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimer(timer);
    this.waiting.clear();
    this.queue.length = 0;
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Keys queued and ready (not counting those waiting on a delay or being processed). */
  len(): number {
    return this.queue.length;
  }

  private handOut(key: K, getter: (key: K) => void): void {
    this.startProcessing(key);
    getter(key);
  }

  private startProcessing(key: K): void {
    this.processing.add(key);
    this.dirty.delete(key);
  }
}
