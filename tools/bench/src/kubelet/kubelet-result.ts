import type { GoalResult, ReportedLatency } from '../bench-result';

/** CPU seconds each process spent from the first measured create to the last pod Running. */
export interface KubeletBenchCpu {
  wallSeconds: number | null;
  kubeletSeconds: number | null;
  kubeletMsPerPod: number | null;
  containerdSeconds: number | null;
  containerdMsPerPod: number | null;
  apiserverSeconds: number | null;
  etcdSeconds: number | null;
  schedulerSeconds: number | null;
  /** How busy the machine's CPUs were over that time, counting every process (shims, runc, CNI plugins, others'). */
  hostBusyPercent: number | null;
}

/** Everything one kubelet run measured; `--json` prints exactly this. */
export interface KubeletBenchResult {
  benchmark: 'kubelet';
  pods: number;
  rate: number;
  warmup: number;
  /** Pulling busybox and the pause image through the registry mirror, before anything is measured. */
  imagePullSeconds: number | null;
  measured: {
    created: number;
    failed: number;
    firstError?: string;
    running: number;
    /** Created pods never seen Running within the time allowed. */
    notRunning: number;
    /** First create sent → last create answered. */
    createSeconds: number | null;
    /** First create sent → last pod seen Running. */
    seconds: number | null;
  };
  /** Per pod: create request sent → the watch event with status.phase=Running. */
  latencyMs: ReportedLatency;
  /** The same span cut at the first watch event showing each step. */
  stepsMs: {
    /** Create sent → spec.nodeName set. */
    scheduled: ReportedLatency;
    /** Scheduled → status.podIP set (the sandbox and its network are up). */
    sandboxReady: ReportedLatency;
    /** Pod IP → the container reported running. */
    containerStarted: ReportedLatency;
    /** Container running → phase Running (0 when both came in one status write). */
    running: ReportedLatency;
  };
  cpu: KubeletBenchCpu;
  /** Every DELETE sent → the last DELETED event (the kubelet stopped the containers and released the pods). */
  deleteSeconds: number | null;
  kubeletRssMiB: number | null;
  containerdRssMiB: number | null;
  goals: GoalResult[];
  environment: { node: string; platform: string; cpus: number };
}

/** The goal: p99 create → Running of 1 s, for the standard run of 30 pods at 5/s on one node. */
export function kubeletGoals(r: Pick<KubeletBenchResult, 'latencyMs' | 'measured'>): GoalResult[] {
  const p99 = r.measured.notRunning > 0 || r.measured.failed > 0 ? null : r.latencyMs.p99;
  return [
    {
      id: 'createToRunningP99',
      description: 'p99 create → Running on one node',
      comparison: '<=',
      target: 1000,
      unit: 'ms',
      measured: p99,
      pass: p99 === null ? false : p99 <= 1000,
    },
  ];
}
