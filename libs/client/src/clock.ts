/** An opaque handle for a timer set through a Clock. */
export type TimerHandle = unknown;

/**
 * Where time comes from. Everything in this library that waits or reads the time goes through a Clock so the
 * controller test kit can move time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on the given clock, or early (without error) when the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clock.clearTimer(handle);
      resolve();
    };
    const handle = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A duration stretched by a random fraction in [0, maxFactor), so many clients do not retry in lockstep. */
export function jittered(ms: number, maxFactor: number): number {
  return ms + Math.random() * maxFactor * ms;
}
