import { benchCommandFlags, integer, UsageError } from '../options';

export interface SchedulerBenchOptions {
  nodes: number;
  pods: number;
  /** Pod creates kept in flight. */
  concurrency: number;
  /** Pods scheduled and deleted before the measured ones, so that every process's JIT is warm (0: none). */
  warmup: number;
  json: boolean;
  timeoutSeconds: number;
}

export const schedulerUsage = `usage: skiff-bench scheduler [--nodes 100] [--pods 2000] [--concurrency 32] [--warmup 500] [--json] [--timeout-seconds 600]

Starts etcd, skiff-apiserver and skiff-scheduler on loopback ports, registers --nodes Node objects, then creates
--pods pods with --concurrency creates in flight and reports pods/s from the first create to the last binding
seen on a watch, per-pod latency (create acknowledged → binding observed) and CPU per pod of every process.`;

/** Parses `skiff-bench scheduler [flags]`; undefined when help was asked for. */
export function parseSchedulerBenchArgs(argv: readonly string[]): SchedulerBenchOptions | undefined {
  const values = benchCommandFlags(argv, 'scheduler', {
    nodes: { type: 'string' },
    pods: { type: 'string' },
    concurrency: { type: 'string' },
    warmup: { type: 'string' },
    json: { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!values) return undefined;
  const pods = integer('pods', values.pods, 2000, 1, 100_000);
  return {
    nodes: integer('nodes', values.nodes, 100, 1, 20_000),
    pods,
    concurrency: Math.min(integer('concurrency', values.concurrency, 32, 1, 1024), pods),
    warmup: integer('warmup', values.warmup, 500, 0, 100_000),
    json: values.json ?? false,
    timeoutSeconds: integer('timeout-seconds', values['timeout-seconds'], 600, 10, 3600),
  };
}
