import type { CpuReport, SchedulerBenchResult } from './scheduler-result';

const n = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

function cpuLine(label: string, c: CpuReport): string {
  return (
    `${label}: apiserver ${n(c.apiserverMsPerPod, 2)} ms/pod, etcd ${n(c.etcdMsPerPod, 2)}, scheduler ${n(c.schedulerMsPerPod, 2)}, ` +
    `benchmark client ${n(c.benchmarkClientMsPerPod, 2)} (over ${n(c.wallSeconds, 2)} s wall)`
  );
}

/** The human-readable report. */
export function renderSchedulerTable(r: SchedulerBenchResult): string {
  const m = r.measured;
  const lines = [
    `skiff scheduler benchmark: ${r.pods} pods on ${r.nodes} nodes, ${r.concurrency} creates in flight; node ${r.environment.node}, ${r.environment.cpus} CPUs`,
    `nodes registered in ${n(r.nodeRegistrationSeconds, 1)} s (status via ${r.nodeStatusWrittenVia})` +
      (r.warmup ? `; warm-up ${r.warmup.pods} pods at ${n(r.warmup.podsPerSecond, 0)} pods/s` : '; no warm-up'),
    '',
    `scheduled: ${m.bound}/${m.created} bound in ${n(m.seconds, 2)} s = ${n(m.podsPerSecond, 0)} pods/s (creates alone: ${n(m.createsPerSecond, 0)}/s)`,
    `latency, create answered → binding seen: p50 ${n(r.latencyMs.p50, 1)} ms, p90 ${n(r.latencyMs.p90, 1)} ms, p99 ${n(r.latencyMs.p99, 1)} ms, max ${n(r.latencyMs.max, 1)} ms`,
    cpuLine('CPU to last binding', r.cpu),
    cpuLine('CPU incl. Scheduled events', r.cpuIncludingEvents),
    `scheduler: ${r.scheduler.attempts.scheduled} scheduled, ${r.scheduler.attempts.unschedulable} unschedulable, ${r.scheduler.attempts.error} errors; ` +
      `mean cycle ${n(r.scheduler.meanCycleMs, 3)} ms; ${r.scheduler.eventsDropped} events dropped; RSS ${n(r.scheduler.rssMiB)} MiB (apiserver ${n(r.apiserverRssMiB)} MiB)`,
  ];
  if (m.failed) lines.push(`${m.failed} creates failed; first: ${m.firstError ?? ''}`);
  if (r.goals.length) {
    lines.push('');
    for (const g of r.goals) lines.push(`goal ${g.description}: ${g.comparison} ${g.target} ${g.unit}, measured ${n(g.measured, 0)} → ${g.pass === null ? 'not judged' : g.pass ? 'PASS' : 'MISS'}`);
  }
  return lines.join('\n');
}
