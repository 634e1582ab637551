import type { ControllersBenchResult, ScalePhase } from './controllers-result';

const n = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

function phaseLines(label: string, verb: string, p: ScalePhase, wanted: number): string[] {
  const c = p.cpu;
  return [
    `${label}: ${p.pods}/${wanted} pods ${verb} in ${n(p.seconds, 2)} s = ${n(p.podsPerSecond, 0)} pods/s ` +
      `(first after ${n(p.firstPodSeconds, 2)} s, half after ${n(p.halfPodsSeconds, 2)} s, 90% after ${n(p.p90PodsSeconds, 2)} s)`,
    `  CPU seconds: controller-manager ${n(c.controllerManagerSeconds, 2)}, apiserver ${n(c.apiserverSeconds, 2)}, etcd ${n(c.etcdSeconds, 2)}, ` +
      `benchmark client ${n(c.benchmarkClientSeconds, 2)} (over ${n(c.wallSeconds, 2)} s wall)`,
  ];
}

/** The human-readable report. */
export function renderControllersTable(r: ControllersBenchResult): string {
  return [
    `skiff controllers benchmark: a Deployment scaled 0 → ${r.replicas} → 0 with controllers '${r.controllers}'; node ${r.environment.node}, ${r.environment.cpus} CPUs`,
    '',
    ...phaseLines('scale up', 'created', r.scaleUp, r.replicas),
    `  ReplicaSet status.replicas = ${r.replicas} after ${n(r.replicaSetStatusSeconds, 2)} s`,
    ...phaseLines('scale down', 'deleted', r.scaleDown, r.replicas),
    `RSS: controller-manager ${n(r.controllerManagerRssMiB)} MiB, apiserver ${n(r.apiserverRssMiB)} MiB`,
  ].join('\n');
}
