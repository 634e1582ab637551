import { parseGoDuration } from './go-duration';

describe('parseGoDuration', () => {
  it.each([
    ['5s', 5000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['0', 0],
    ['-2s', -2000],
    ['.5s', 500],
  ])('reads %s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', 'abc', '5', '5x', '1h 30m', 's', '-'])('refuses %j', (text) => expect(parseGoDuration(text)).toBeUndefined());
});
