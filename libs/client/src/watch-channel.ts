import type { WatchEvent } from '@skiff/api';
import type { WatchStream } from './kube-client';

export interface WatchChannelOptions {
  /** Called once when the consumer stops the stream (or breaks out of its loop). */
  onStop?: () => void;
  /** Buffered events above which `onPause` is called; `onResume` follows once the buffer drains to a tenth. */
  highWaterMark?: number;
  onPause?: () => void;
  onResume?: () => void;
}

/**
 * The producer side of a WatchStream: push events, then end or fail it. The HTTP client feeds one from the
 * response; fakes feed one by hand. Single consumer.
 */
export class WatchChannel<T> implements WatchStream<T> {
  private readonly buffer: WatchEvent<T>[] = [];
  private waiting?: { resolve: (r: IteratorResult<WatchEvent<T>>) => void; reject: (e: unknown) => void };
  private error?: unknown;
  private closed = false;
  private stopped = false;
  private paused = false;
  private readonly highWaterMark: number;

  constructor(private readonly opts: WatchChannelOptions = {}) {
    this.highWaterMark = opts.highWaterMark ?? 1000;
  }

  /** True once ended, failed or stopped: further pushes are dropped. */
  get isClosed(): boolean {
    return this.closed || this.stopped;
  }

  push(event: WatchEvent<T>): void {
    if (this.isClosed) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve({ value: event, done: false });
      return;
    }
    this.buffer.push(event);
    if (!this.paused && this.buffer.length >= this.highWaterMark && this.opts.onPause) {
      this.paused = true;
      this.opts.onPause();
    }
  }

  /** The server closed the stream: buffered events are still delivered, then iteration ends. */
  end(): void {
    if (this.isClosed) return;
    this.closed = true;
    this.settleWaiter();
  }

  /** The request failed: buffered events are delivered, then iteration throws `err`. */
  fail(err: unknown): void {
    if (this.isClosed) return;
    this.closed = true;
    this.error = err;
    this.settleWaiter();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.buffer.length = 0;
    this.error = undefined;
    this.settleWaiter();
    this.opts.onStop?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<WatchEvent<T>>> {
    const event = this.buffer.shift();
    if (event) {
      if (this.paused && this.buffer.length <= this.highWaterMark / 10) {
        this.paused = false;
        this.opts.onResume?.();
      }
      return Promise.resolve({ value: event, done: false });
    }
    if (this.stopped || (this.closed && this.error === undefined)) return Promise.resolve({ value: undefined, done: true });
    if (this.closed) {
      const err = this.error;
      this.error = undefined;
      this.stopped = true;
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private settleWaiter(): void {
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    if (this.error !== undefined && !this.stopped) {
      const err = this.error;
      this.error = undefined;
      w.reject(err);
    } else {
      w.resolve({ value: undefined, done: true });
    }
  }
}
