import { percentile, perSecond, rounded, summarize } from './stats';

describe('percentile', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('uses the nearest rank, so every percentile is a measured sample', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('gives the smallest sample for p0 and the only sample for one-sample input', () => {
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is the maximum for p99 of fewer than 100 samples', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 250], 99)).toBe(250);
  });

  it('is NaN for no samples and rejects percentiles outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts unsorted samples and reports min, mean, percentiles and max', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toEqual({ count: 5, min: 1, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 });
  });

  it('does not reorder the caller’s array', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('reports NaN statistics for no samples', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p50).toBeNaN();
    expect(s.mean).toBeNaN();
    expect(s.max).toBeNaN();
  });
});

describe('perSecond and rounded', () => {
  it('turns a count over milliseconds into a rate', () => {
    expect(perSecond(1200, 1000)).toBe(1200);
    expect(perSecond(300, 250)).toBe(1200);
    expect(perSecond(5, 0)).toBeNaN();
  });

  it('rounds finite numbers and maps the rest to null', () => {
    expect(rounded(1.23456)).toBe(1.23);
    expect(rounded(1.23456, 3)).toBe(1.235);
    expect(rounded(NaN)).toBeNull();
    expect(rounded(Infinity)).toBeNull();
  });
});
