import { benchPod, benchPodName, runLabel, warmupLabel } from './bench-pod';

describe('benchPod', () => {
  it('names measured and warm-up pods apart, so both can exist in one namespace at once', () => {
    expect(benchPodName('abc123', 7)).toBe('bench-abc123-00007');
    expect(benchPodName('abc123', 7, 'warmup')).toBe('bench-abc123-warmup-00007');
    expect(benchPod('abc123', 7, 'warmup').metadata.name).toBe('bench-abc123-warmup-00007');
  });

  it('labels warm-up pods with the warm-up label and both kinds with the run label', () => {
    const measured = benchPod('abc123', 0).metadata.labels;
    const warmup = benchPod('abc123', 0, 'warmup').metadata.labels;
    expect(measured[runLabel]).toBe('abc123');
    expect(measured[warmupLabel]).toBeUndefined();
    expect(warmup[runLabel]).toBe('abc123');
    expect(warmup[warmupLabel]).toBe('true');
  });

  it('gives warm-up pods the same shape as measured ones', () => {
    const { metadata: m, ...measuredRest } = benchPod('abc123', 3);
    const { metadata: w, ...warmupRest } = benchPod('abc123', 3, 'warmup');
    expect(warmupRest).toEqual(measuredRest);
    expect(w.annotations).toEqual(m.annotations);
  });
});
