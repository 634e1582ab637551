import type { ReportedLatency } from '../bench-result';
import type { DnsLoad, ProxyBenchResult } from './proxy-result';

const n = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

function spread(l: ReportedLatency): string {
  return `p50 ${n(l.p50)} ms, min ${n(l.min)} ms, max ${n(l.max)} ms (${l.count} runs)`;
}

function dnsLine(label: string, d: DnsLoad): string {
  const results = Object.entries(d.serverResults)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const problems = d.failed || d.timedOut ? `; ${d.failed} failed, ${d.timedOut} timed out` : '';
  return `  ${label}: ${n(d.qps, 0)} queries/s, p50 ${n(d.p50Ms, 2)} ms, p99 ${n(d.p99Ms, 2)} ms (${d.answered} answered${problems}; server: ${results || 'nothing'})`;
}

/** The human-readable report. */
export function renderProxyTable(r: ProxyBenchResult): string {
  const e = r.environment;
  const lines = [
    `skiff proxy benchmark: ${r.services} Services × ${r.endpointsPerService} ready endpoints (${r.services * r.endpointsPerService} endpoints); node ${e.node}, ${e.cpus} CPUs, ${e.iptables}`,
    `rule set: ${r.render.natRules} nat rules in ${r.render.natChains} nat chains, ${r.render.filterRules} filter rules; restore input ${(r.render.restoreBytes / 1024 / 1024).toFixed(2)} MiB`,
    '',
    `render (renderRules, in-process):                        ${spread(r.render.latencyMs)}`,
    `apply (iptables-legacy-restore --noflush, own network namespace):`,
    `  base chains and jumps:                                 ${n(r.apply.baseRulesMs)} ms`,
    `  first apply (creates every chain):                     ${n(r.apply.firstApplyMs)} ms`,
    `  re-apply, unchanged (a periodic full sync):            ${spread(r.apply.reapplyMs)}`,
    `  one endpoint changed: render + apply:                  ${spread(r.apply.oneChangeMs)}`,
    `  remove every Service (flush and delete their chains):  ${n(r.apply.removeAllMs)} ms`,
  ];
  const s = r.sync;
  if (s) {
    lines.push(
      `full sync through the Proxier (informers on the real apiserver, min-sync-period ${s.minSyncPeriodMs} ms, rules into the namespace):`,
      `  ${s.objects} Services and EndpointSlices written in ${n(s.writeSeconds, 2)} s; ${s.syncsWhileWriting} sync(s) until complete, the last restore ${n(s.finalRestoreMs)} ms; mean sync ${n(s.meanSyncMs)} ms`,
      `  last write → rules for every endpoint applied:        ${n(s.lastWriteToAppliedMs)} ms`,
      `  one EndpointSlice update to a quiet proxy → applied:   ${spread(s.oneChangeToAppliedMs)}`,
    );
  } else {
    lines.push('full sync through the Proxier: skipped (--skip-sync)');
  }
  const d = r.dns;
  lines.push(
    `cluster DNS (ClusterDnsServer on 127.0.0.1 in a worker thread, ${d.servicesLoaded} Services, ${d.concurrency} queries in flight, ${d.seconds} s each):`,
    dnsLine('A for service names  ', d.serviceNames),
    dnsLine('unknown names (NXDOMAIN)', d.unknownNames),
  );
  return lines.join('\n');
}
