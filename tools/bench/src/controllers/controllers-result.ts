/** CPU seconds each process spent over one phase. */
export interface ControllersCpu {
  wallSeconds: number | null;
  apiserverSeconds: number | null;
  etcdSeconds: number | null;
  controllerManagerSeconds: number | null;
  benchmarkClientSeconds: number | null;
}

/** One phase: the scale request sent → the last pod seen (created or deleted) on the watch. */
export interface ScalePhase {
  /** Pods seen created (scale up) or deleted (scale down) within the time allowed. */
  pods: number;
  seconds: number | null;
  podsPerSecond: number | null;
  /** Scale request sent → the first, the middle and the 90th-percentile pod seen. */
  firstPodSeconds: number | null;
  halfPodsSeconds: number | null;
  p90PodsSeconds: number | null;
  cpu: ControllersCpu;
}

/** Everything one controllers run measured; `--json` prints exactly this. */
export interface ControllersBenchResult {
  benchmark: 'controllers';
  replicas: number;
  controllers: string;
  scaleUp: ScalePhase;
  /** Scale up sent → the ReplicaSet's status.replicas reporting every pod. */
  replicaSetStatusSeconds: number | null;
  scaleDown: ScalePhase;
  controllerManagerRssMiB: number | null;
  apiserverRssMiB: number | null;
  environment: { node: string; platform: string; cpus: number };
}
