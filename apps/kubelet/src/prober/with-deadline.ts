import type { Clock, TimerHandle } from '@skiff/client';
import type { ProbeOutcome } from './probe-outcome';

/**
 * Runs a probe handler against a timer on `clock`. When the timer fires first the handler's signal aborts (so it
 * can close its sockets) and the probe ends with `onTimeout()`; whatever the handler settles with later is ignored.
 * A handler that throws ends the probe as `unknown` with the error's message; if the timer fires while being set
 * (a clock on which the time is already up) the handler never runs.
 */
export function withDeadline(
  clock: Clock,
  timeoutMs: number,
  run: (signal: AbortSignal) => Promise<ProbeOutcome>,
  onTimeout: () => ProbeOutcome,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const abort = new AbortController();
    let settled = false;
    let timer: TimerHandle | undefined;
    const finish = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimer(timer);
      resolve(outcome);
    };
    timer = clock.setTimer(() => {
      if (settled) return;
      finish(onTimeout());
      abort.abort();
    }, timeoutMs);
    if (settled) return;
    let started: Promise<ProbeOutcome>;
    try {
      started = run(abort.signal);
    } catch (e) {
      started = Promise.reject(e);
    }
    started.then(finish, (e: unknown) => finish({ result: 'unknown', output: e instanceof Error ? e.message : String(e) }));
  });
}
