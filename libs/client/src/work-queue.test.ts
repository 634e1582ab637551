import type { Clock, TimerHandle } from './clock';
import { ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter, defaultControllerRateLimiter } from './rate-limiter';
import { WorkQueue } from './work-queue';

/** Time moves only when the test says so; due timers fire in deadline order. */
class FakeClock implements Clock {
  private t = 1_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now() {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimer(h: TimerHandle) {
    this.timers.delete(h as number);
  }
  advance(ms: number) {
    const target = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = target;
  }
  pending() {
    return this.timers.size;
  }
}

const settled = <T>(p: Promise<T>) => {
  let state: { value?: T; done: boolean } = { done: false };
  p.then((value) => (state = { value, done: true }));
  return () => state;
};
const flush = () => new Promise((r) => setImmediate(r));

describe('WorkQueue', () => {
  let clock: FakeClock;
  let q: WorkQueue<string>;
  beforeEach(() => {
    clock = new FakeClock();
    q = new WorkQueue<string>({ clock });
  });

  it('deduplicates keys while they are queued and keeps first-added order', async () => {
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('never hands out a key that is being processed; a re-add while processing is queued after done', async () => {
    q.add('a');
    const key = await q.get();
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    const second = settled(q.get());
    await flush();
    expect(second().done).toBe(false);
    q.done(key!);
    await flush();
    expect(second()).toEqual({ done: true, value: 'a' });
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes a waiting get when a key is added', async () => {
    const next = q.get();
    q.add('x');
    expect(await next).toBe('x');
  });

  it('returns undefined from get after shutDown and ignores later adds', async () => {
    const waiting = q.get();
    q.add('queued-later');
    await waiting;
    const blocked = q.get();
    q.shutDown();
    expect(await blocked).toBeUndefined();
    q.add('b');
    expect(await q.get()).toBeUndefined();
    expect(q.len()).toBe(0);
  });

  it('addAfter adds only when the delay has passed, keeping the earliest deadline per key', () => {
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 500);
    clock.advance(49);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    clock.advance(1000);
    expect(q.len()).toBe(1);
  });

  it('backs off per item 5 ms × 2^n and starts over after forget', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = clock.now();
      q.addRateLimited('k');
      let waited = 0;
      while (q.len() === 0 && waited < 10_000) {
        clock.advance(1);
        waited++;
      }
      delays.push(waited);
      q.done((await q.get())!);
      expect(clock.now() - before).toBe(waited);
    }
    expect(delays).toEqual([5, 10, 20, 40, 80]);
    expect(q.numRequeues('k')).toBe(5);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
    q.addRateLimited('k');
    clock.advance(4);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
  });

  it('cancels delayed adds on shutDown', () => {
    q.addAfter('a', 10);
    q.shutDown();
    expect(clock.pending()).toBe(0);
  });
});

describe('rate limiters', () => {
  it('caps the per-item backoff at 1000 s', () => {
    const limiter = new ItemExponentialRateLimiter<string>(5, 1000 * 1000);
    let last = 0;
    for (let i = 0; i < 40; i++) last = limiter.when('x');
    expect(last).toBe(1000 * 1000);
    expect(limiter.when('y')).toBe(5);
  });

  it('token bucket allows a burst of 100 then spaces items 100 ms apart, refilling over time', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucketRateLimiter<string>(clock, 10, 100);
    for (let i = 0; i < 100; i++) expect(bucket.when(`k${i}`)).toBe(0);
    expect(bucket.when('over-1')).toBeCloseTo(100);
    expect(bucket.when('over-2')).toBeCloseTo(200);
    clock.advance(10_000);
    expect(bucket.when('later')).toBe(0);
  });

  it('the default controller limiter takes the larger of the two delays', () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter<string>(clock);
    // Plenty of tokens: the first failure's 5 ms backoff decides.
    expect(limiter.when('a')).toBe(5);
    for (let i = 0; i < 99; i++) limiter.when(`burst-${i}`);
    // Bucket exhausted: the new item's 5 ms backoff is shorter than the 100 ms the bucket asks for.
    expect(limiter.when('b')).toBeCloseTo(100);
    expect(limiter.numRequeues('b')).toBe(1);
    const maxOf = new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter<string>(1000, 10_000), new TokenBucketRateLimiter<string>(clock, 10, 100));
    expect(maxOf.when('c')).toBe(1000);
  });
});
