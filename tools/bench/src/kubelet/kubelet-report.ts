import type { ReportedLatency } from '../bench-result';
import type { KubeletBenchResult } from './kubelet-result';

const n = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

function latencyLine(label: string, l: ReportedLatency): string {
  return `${label}: p50 ${n(l.p50, 0)} ms, p90 ${n(l.p90, 0)} ms, p99 ${n(l.p99, 0)} ms, max ${n(l.max, 0)} ms`;
}

/** The human-readable report. */
export function renderKubeletTable(r: KubeletBenchResult): string {
  const m = r.measured;
  const c = r.cpu;
  const lines = [
    `skiff kubelet benchmark: ${r.pods} busybox pods at ${r.rate}/s on one node (containerd, runc, CNI bridge); node ${r.environment.node}, ${r.environment.cpus} CPUs`,
    `images pulled through the mirror in ${n(r.imagePullSeconds, 2)} s; warm-up ${r.warmup} pods`,
    '',
    `running: ${m.running}/${m.created} Running, the last ${n(m.seconds, 2)} s after the first create (creates took ${n(m.createSeconds, 2)} s)`,
    latencyLine('latency, create sent → Running seen', r.latencyMs),
    `  ${latencyLine('create → scheduled', r.stepsMs.scheduled)}`,
    `  ${latencyLine('scheduled → sandbox ready (pod IP)', r.stepsMs.sandboxReady)}`,
    `  ${latencyLine('pod IP → container started', r.stepsMs.containerStarted)}`,
    `  ${latencyLine('container started → phase Running', r.stepsMs.running)}`,
    `CPU to last Running: kubelet ${n(c.kubeletMsPerPod, 1)} ms/pod, containerd ${n(c.containerdMsPerPod, 1)} ms/pod; ` +
      `apiserver ${n(c.apiserverSeconds, 2)} s, etcd ${n(c.etcdSeconds, 2)} s, scheduler ${n(c.schedulerSeconds, 2)} s (over ${n(c.wallSeconds, 2)} s wall; host CPUs ${n(c.hostBusyPercent, 0)}% busy)`,
    `delete: all ${m.running} pods gone ${n(r.deleteSeconds, 2)} s after the DELETEs; RSS kubelet ${n(r.kubeletRssMiB)} MiB, containerd ${n(r.containerdRssMiB)} MiB`,
  ];
  if (m.failed) lines.push(`${m.failed} creates failed; first: ${m.firstError ?? ''}`);
  lines.push('');
  for (const g of r.goals) lines.push(`goal ${g.description}: ${g.comparison} ${g.target} ${g.unit}, measured ${n(g.measured, 0)} → ${g.pass === null ? 'not judged' : g.pass ? 'PASS' : 'MISS'}`);
  return lines.join('\n');
}
