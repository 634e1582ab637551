import type { Summary } from './stats';
import { rounded } from './stats';

/** A latency summary as reported: milliseconds rounded to 3 places, null where nothing was measured. */
export type ReportedLatency = { [K in keyof Summary]: K extends 'count' ? number : number | null };

export function reportLatency(s: Summary): ReportedLatency {
  return { count: s.count, min: rounded(s.min, 3), mean: rounded(s.mean, 3), p50: rounded(s.p50, 3), p90: rounded(s.p90, 3), p99: rounded(s.p99, 3), max: rounded(s.max, 3) };
}

export type Comparison = '>=' | '<=';

export interface GoalResult {
  id: string;
  description: string;
  comparison: Comparison;
  target: number;
  unit: string;
  /** null when this run could not measure it (e.g. RSS of a --server without --apiserver-pid). */
  measured: number | null;
  pass: boolean | null;
}

/** The warm-up before the measured creates: its rate is the cold server's, reported but judged by no goal. */
export interface WarmupResult {
  pods: number;
  created: number;
  failed: number;
  firstError?: string;
  seconds: number | null;
  perSecond: number | null;
  latencyMs: ReportedLatency;
  deleted: number;
  deleteFailed: number;
  firstDeleteError?: string;
  /** First DELETE sent → last DELETED event seen on the watch. */
  deleteSeconds: number | null;
  deletesUnseenOnWatch: number;
}

/** Everything one run measured; `--json` prints exactly this. */
export interface BenchResult {
  benchmark: 'apiserver';
  server: string;
  controlPlane: 'started by the benchmark' | 'given with --server';
  namespace: string;
  pods: number;
  concurrency: number;
  podBytes: number;
  /** null when the warm-up was turned off with --warmup 0. */
  warmup: WarmupResult | null;
  creates: { created: number; failed: number; firstError?: string; seconds: number | null; perSecond: number | null; latencyMs: ReportedLatency };
  watchAdded: { delivered: number; missing: number; beforeResponse: number; latencyMs: ReportedLatency };
  watchModified: { updates: number; delivered: number; missing: number; beforeResponse: number; latencyMs: ReportedLatency };
  listFromCache: { items: number; bytes: number; warmups: number; rounds: number; latencyMs: ReportedLatency };
  listFromEtcd: { items: number; bytes: number; pages: number; pageLimit: number; ms: number | null };
  /** CPU seconds each process used while the pods were created: tells a CPU-bound server from a waiting one. */
  cpuDuringCreates: { wallSeconds: number | null; apiserverSeconds: number | null; apiserverMsPerCreate: number | null; etcdSeconds: number | null; benchmarkClientSeconds: number | null };
  apiserverMemory: { pid: number; baselineRssMiB: number | null; rssAfterCreatesMiB: number | null; peakRssMiB: number | null } | { unavailable: string };
  watchEndedEarly?: string;
  goals: GoalResult[];
  environment: { node: string; platform: string; cpus: number };
}
