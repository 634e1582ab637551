import { FakeClock } from '@skiff/client';
import { SyncRunner } from './sync-runner';

describe('SyncRunner', () => {
  it('never runs two syncs at once: a change during a sync runs one more after it, the minimum interval apart', async () => {
    const clock = new FakeClock();
    const calls: Array<{ at: number; full: boolean }> = [];
    let release: (() => void) | undefined;
    const runner = new SyncRunner(
      (full) => {
        calls.push({ at: clock.now(), full });
        return new Promise((resolve) => (release = () => resolve(true)));
      },
      { minIntervalMs: 1000, fullIntervalMs: 30_000, clock },
    );
    const t0 = clock.now();
    runner.start();
    await clock.advance(0);
    runner.request();
    runner.request();
    await clock.advance(2000);
    expect(calls).toEqual([{ at: t0, full: true }]);
    release!();
    await clock.advance(0);
    // The first sync ended at t0+2000, past its minimum interval: the pending change runs at once, not as a full sync.
    expect(calls).toEqual([
      { at: t0, full: true },
      { at: t0 + 2000, full: false },
    ]);
    release!();
    await clock.advance(28_000);
    expect(calls.at(-1)).toEqual({ at: t0 + 30_000, full: true });
    release!();
    await runner.stop();
    await clock.advance(60_000);
    expect(calls).toHaveLength(3);
  });
});
