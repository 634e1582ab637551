import { FakeClock } from '@skiff/client';
import { withDeadline } from './with-deadline';
import { failure, success, type ProbeOutcome } from './probe-outcome';

describe('withDeadline', () => {
  it('returns the handler outcome when it settles in time and clears its timer', async () => {
    const clock = new FakeClock();
    await expect(withDeadline(clock, 1000, async () => success('fine'), () => failure('late'))).resolves.toEqual(success('fine'));
    expect(clock.pendingTimers).toBe(0);
  });

  it('ends with the timeout outcome and aborts the handler when time runs out', async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    let finishLate: (o: ProbeOutcome) => void = () => undefined;
    const result = withDeadline(
      clock,
      1000,
      (s) => {
        signal = s;
        return new Promise((resolve) => (finishLate = resolve));
      },
      () => failure('late'),
    );
    await clock.advance(1000);
    await expect(result).resolves.toEqual(failure('late'));
    expect(signal?.aborted).toBe(true);
    finishLate(success('too late'));
    await expect(result).resolves.toEqual(failure('late'));
  });

  it('turns a thrown error into an unknown outcome', async () => {
    const clock = new FakeClock();
    const run = () => {
      throw new Error('bad header');
    };
    await expect(withDeadline(clock, 1000, run, () => failure('late'))).resolves.toEqual({ result: 'unknown', output: 'bad header' });
  });
});
