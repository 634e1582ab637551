import type { GoalResult, ReportedLatency } from '../bench-result';

/** Everything one scheduler run measured; `--json` prints exactly this. */
export interface SchedulerBenchResult {
  benchmark: 'scheduler';
  nodes: number;
  pods: number;
  concurrency: number;
  /** How node status was written: through the API, or to etcd because the apiserver refused `pods`. */
  nodeStatusWrittenVia: 'api' | 'etcd';
  nodeRegistrationSeconds: number | null;
  warmup: { pods: number; seconds: number | null; podsPerSecond: number | null } | null;
  measured: {
    created: number;
    failed: number;
    firstError?: string;
    bound: number;
    /** Created pods never seen bound within the time allowed. */
    unbound: number;
    /** First create sent → last binding seen on the watch. */
    seconds: number | null;
    podsPerSecond: number | null;
    /** First create sent → last create answered. */
    createSeconds: number | null;
    createsPerSecond: number | null;
  };
  /** Per pod: its create answered → its binding seen on the watch. */
  latencyMs: ReportedLatency;
  /** CPU each process spent from the first create to the last binding, and per pod. */
  cpu: CpuReport;
  /** The same, until the scheduler had also written its Scheduled events. */
  cpuIncludingEvents: CpuReport & { extraSeconds: number | null };
  scheduler: {
    attempts: { scheduled: number; unschedulable: number; error: number };
    /** Mean time of one scheduling cycle (filter, score, assume), from the scheduler's own histogram. */
    meanCycleMs: number | null;
    eventsDropped: number;
    rssMiB: number | null;
  };
  apiserverRssMiB: number | null;
  goals: GoalResult[];
  environment: { node: string; platform: string; cpus: number };
}

export interface CpuReport {
  wallSeconds: number | null;
  apiserverSeconds: number | null;
  apiserverMsPerPod: number | null;
  etcdSeconds: number | null;
  etcdMsPerPod: number | null;
  schedulerSeconds: number | null;
  schedulerMsPerPod: number | null;
  benchmarkClientSeconds: number | null;
  benchmarkClientMsPerPod: number | null;
}

/** The goals for this machine kind; a run reports against the one its size matches, nothing asserts them. */
export function schedulerGoals(r: Pick<SchedulerBenchResult, 'nodes' | 'pods' | 'measured'>): GoalResult[] {
  const goals: GoalResult[] = [];
  const rate = r.measured.failed > 0 || r.measured.unbound > 0 ? null : r.measured.podsPerSecond;
  const goal = (id: string, description: string, target: number): GoalResult => ({
    id,
    description,
    comparison: '>=',
    target,
    unit: 'pods/s',
    measured: rate,
    pass: rate === null ? null : rate >= target,
  });
  if (r.nodes === 100 && r.pods >= 2000) goals.push(goal('podsPerSecond100Nodes', '2,000 pods on 100 nodes, first create to all bound', 700));
  if (r.nodes >= 5000) goals.push(goal('podsPerSecond5000Nodes', 'pods on 5,000 nodes, first create to all bound', 500));
  return goals;
}
