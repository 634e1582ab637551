import type { BenchResult, ReportedLatency } from './bench-result';

/** A latency summary for tests: p50 for the low figures, p99 for the high ones. */
export const sampleLatency = (p50: number, p99: number): ReportedLatency => ({ count: 20, min: p50, mean: p50, p50, p90: p99, p99, max: p99 });

/** A plausible complete measurement for the tests of goals and report rendering; `over` replaces whole fields. */
export function sampleBenchResult(over: Partial<Omit<BenchResult, 'goals'>> = {}): Omit<BenchResult, 'goals'> {
  return {
    benchmark: 'apiserver',
    server: 'http://127.0.0.1:1',
    controlPlane: 'started by the benchmark',
    namespace: 'default',
    pods: 2000,
    concurrency: 32,
    podBytes: 2100,
    warmup: {
      pods: 1000,
      created: 1000,
      failed: 0,
      seconds: 2.5,
      perSecond: 400,
      latencyMs: sampleLatency(70, 160),
      deleted: 1000,
      deleteFailed: 0,
      deleteSeconds: 1.2,
      deletesUnseenOnWatch: 0,
    },
    creates: { created: 2000, failed: 0, seconds: 1.5, perSecond: 1333, latencyMs: sampleLatency(20, 40) },
    watchAdded: { delivered: 2000, missing: 0, beforeResponse: 0, latencyMs: sampleLatency(1, 4) },
    watchModified: { updates: 200, delivered: 200, missing: 0, beforeResponse: 0, latencyMs: sampleLatency(0.5, 6) },
    listFromCache: { items: 2000, bytes: 5_000_000, warmups: 3, rounds: 20, latencyMs: sampleLatency(61, 70) },
    listFromEtcd: { items: 2000, bytes: 5_000_000, pages: 4, pageLimit: 500, ms: 200 },
    cpuDuringCreates: { wallSeconds: 1.5, apiserverSeconds: 1.2, apiserverMsPerCreate: 0.6, etcdSeconds: 0.5, benchmarkClientSeconds: 0.3 },
    apiserverMemory: { pid: 42, baselineRssMiB: 80, rssAfterCreatesMiB: 150, peakRssMiB: 170 },
    environment: { node: 'v20', platform: 'linux', cpus: 2 },
    ...over,
  };
}
