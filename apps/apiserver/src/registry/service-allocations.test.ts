import { IPRange } from './service-allocations';

describe('IPRange', () => {
  it('gives the first usable address to the kubernetes Service', () => {
    expect(new IPRange('10.96.0.0/12').first()).toBe('10.96.0.1');
  });

  it('allocates at random above the static band, which stays for well-known Services', () => {
    const range = new IPRange('10.96.0.0/24');
    for (let i = 0; i < 500; i++) {
      const last = Number(range.random().split('.')[3]);
      expect(last).toBeGreaterThanOrEqual(17);
      expect(last).toBeLessThanOrEqual(254);
    }
    const anywhere = new Set(Array.from({ length: 2000 }, () => Number(range.random(true).split('.')[3])));
    expect(Math.min(...anywhere)).toBeLessThan(17);
  });

  it('uses the whole range when it is too small for a static band', () => {
    const range = new IPRange('10.97.0.0/28');
    const seen = new Set(Array.from({ length: 500 }, () => range.random()));
    for (const ip of seen) expect(range.contains(ip)).toBe(true);
    expect(seen.size).toBe(14);
  });
});
