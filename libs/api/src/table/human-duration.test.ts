import { humanDuration, timeSince } from './human-duration';
import { ago, now } from './test-fixtures';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 20 * s, '3m20s'],
    [9 * m + 59 * s, '9m59s'],
    [45 * m + 30 * s, '45m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 10 * m, '5h10m'],
    [20 * h + 59 * m, '20h'],
    [47 * h, '47h'],
    [3 * d, '3d'],
    [3 * d + 4 * h, '3d4h'],
    [100 * d + 5 * h, '100d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 30 * d, '2y30d'],
    [9 * 365 * d + 30 * d, '9y'],
  ])('%d ms reads %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('tolerates a clock slightly behind and flags one far behind', () => {
    expect(humanDuration(-1500)).toBe('0s');
    expect(humanDuration(-5 * s)).toBe('<invalid>');
  });
});

describe('timeSince', () => {
  it('measures from a timestamp to now', () => {
    expect(timeSince(ago(200), now)).toBe('3m20s');
  });

  it('is <unknown> without a timestamp', () => {
    expect(timeSince(undefined, now)).toBe('<unknown>');
    expect(timeSince('not a time', now)).toBe('<unknown>');
  });
});
