import type { BenchResult } from './bench-result';
import { evaluateGoals } from './goals';

const latency = (p50: number, p99: number) => ({ count: 20, min: p50, mean: p50, p50, p90: p99, p99, max: p99 });

function measured(over: Partial<Omit<BenchResult, 'goals'>> = {}): Omit<BenchResult, 'goals'> {
  return {
    benchmark: 'apiserver',
    server: 'http://127.0.0.1:1',
    controlPlane: 'started by the benchmark',
    namespace: 'default',
    pods: 2000,
    concurrency: 32,
    podBytes: 2100,
    creates: { created: 2000, failed: 0, seconds: 1.5, perSecond: 1333, latencyMs: latency(20, 40) },
    watchAdded: { delivered: 2000, missing: 0, beforeResponse: 0, latencyMs: latency(1, 4) },
    watchModified: { updates: 200, delivered: 200, missing: 0, beforeResponse: 0, latencyMs: latency(0.5, 6) },
    listFromCache: { items: 2000, bytes: 5_000_000, warmups: 3, rounds: 20, latencyMs: latency(61, 70) },
    listFromEtcd: { items: 2000, bytes: 5_000_000, pages: 4, pageLimit: 500, ms: 200 },
    cpuDuringCreates: { wallSeconds: 1.5, apiserverSeconds: 1.2, apiserverMsPerCreate: 0.6, etcdSeconds: 0.5, benchmarkClientSeconds: 0.3 },
    apiserverMemory: { pid: 42, baselineRssMiB: 80, rssAfterCreatesMiB: 150, peakRssMiB: 170 },
    environment: { node: 'v20', platform: 'linux', cpus: 2 },
    ...over,
  };
}

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
