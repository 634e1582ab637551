import type { BenchResult } from './bench-result';
import { evaluateGoals } from './goals';
import { sampleBenchResult as measured, sampleLatency as latency } from './sample-bench-result';

const verdicts = (m: Omit<BenchResult, 'goals'>) => Object.fromEntries(evaluateGoals(m).map((g) => [g.id, g.pass]));

describe('evaluateGoals', () => {
  it('passes goals met (limits included) and misses the others', () => {
    expect(verdicts(measured())).toEqual({
      createsPerSecond: true,
      cachedListP50: false,
      watchDeliveryP99UnderLoad: true,
      watchDeliveryP99Quiet: false,
      apiserverRssAfterCreates: true,
    });
  });

  it('reports the measured value with the goal it was compared to', () => {
    const rss = evaluateGoals(measured()).find((g) => g.id === 'apiserverRssAfterCreates');
    expect(rss).toMatchObject({ measured: 150, target: 150, comparison: '<=', unit: 'MiB' });
  });

  it('judges the measured creates only, never the cold warm-up rate', () => {
    const slowWarmup = { ...measured().warmup!, perSecond: 100 };
    expect(verdicts(measured({ warmup: slowWarmup })).createsPerSecond).toBe(true);
    const slowMeasured = { ...measured().creates, perSecond: 900 };
    expect(verdicts(measured({ warmup: { ...slowWarmup, perSecond: 5000 }, creates: slowMeasured })).createsPerSecond).toBe(false);
  });

  it('judges nothing it could not measure', () => {
    const v = verdicts(
      measured({
        apiserverMemory: { unavailable: 'no pid' },
        creates: { created: 1990, failed: 10, seconds: 1, perSecond: 1990, latencyMs: latency(1, 2) },
        watchAdded: { delivered: 1990, missing: 10, beforeResponse: 0, latencyMs: latency(1, 2) },
      }),
    );
    expect(v.apiserverRssAfterCreates).toBeNull();
    expect(v.createsPerSecond).toBeNull();
    expect(v.watchDeliveryP99UnderLoad).toBeNull();
  });
});
