import { RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('doubles from 1 s up to 30 s while runs stay short', () => {
    const b = new RestartBackoff();
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => b.afterExit(500))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('starts over at 1 s after a run of a minute or more', () => {
    const b = new RestartBackoff();
    b.afterExit(100);
    b.afterExit(100);
    expect(b.afterExit(59_999)).toBe(4000);
    expect(b.afterExit(60_000)).toBe(1000);
    expect(b.afterExit(10)).toBe(2000);
  });

  it('takes its numbers from the policy', () => {
    const b = new RestartBackoff({ initialMs: 10, maxMs: 25, resetAfterMs: 100 });
    expect([b.afterExit(0), b.afterExit(0), b.afterExit(0), b.afterExit(100)]).toEqual([10, 20, 25, 10]);
  });
});
