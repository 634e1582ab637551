import type { BenchResult, ReportedLatency } from './bench-result';

function num(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}

function ms(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
}

function latencyRow(label: string, extra: string, l: ReportedLatency, widths: number[]): string {
  return row([label, extra, ms(l.p50), ms(l.p99), ms(l.max)], widths);
}

/** The human-readable report: one line per measurement, then the goals with pass/miss. */
export function renderTable(r: BenchResult): string {
  const lines: string[] = [];
  lines.push(
    `skiff apiserver benchmark: ${r.pods} pods of ${(r.podBytes / 1024).toFixed(1)} KiB, ${r.concurrency} creates in flight, ` +
      `${r.server} (${r.controlPlane}); node ${r.environment.node}, ${r.environment.cpus} CPUs`,
  );
  lines.push('');
  const w = [40, 22, 10, 10, 10];
  lines.push(row(['', '', 'p50', 'p99', 'max'], w));
  const wu = r.warmup;
  if (wu) {
    lines.push(latencyRow('pod creates, warm-up (cold server)', `${num(wu.perSecond, 0)}/s over ${num(wu.seconds, 2)} s`, wu.latencyMs, w));
    if (wu.failed) lines.push(`  ${wu.failed} warm-up creates failed; first: ${wu.firstError ?? ''}`);
    if (wu.deleteFailed) lines.push(`  ${wu.deleteFailed} warm-up deletes failed; first: ${wu.firstDeleteError ?? ''}`);
    if (wu.deletesUnseenOnWatch) lines.push(`  ${wu.deletesUnseenOnWatch} warm-up DELETED events never arrived`);
  } else {
    lines.push('pod creates, warm-up: none (--warmup 0)');
  }
  const c = r.creates;
  lines.push(latencyRow('pod creates, measured (warm server)', `${num(c.perSecond, 0)}/s over ${num(c.seconds, 2)} s`, c.latencyMs, w));
  if (c.failed) lines.push(`  ${c.failed} creates failed; first: ${c.firstError ?? ''}`);
  const a = r.watchAdded;
  lines.push(latencyRow('watch delivery, ADDED during creates', `${a.delivered} events`, a.latencyMs, w));
  const m = r.watchModified;
  lines.push(latencyRow('watch delivery, MODIFIED (quiet)', `${m.delivered} events`, m.latencyMs, w));
  for (const [what, x] of [
    ['ADDED', a],
    ['MODIFIED', m],
  ] as const) {
    if (x.missing) lines.push(`  ${x.missing} ${what} events never arrived`);
    if (x.beforeResponse) lines.push(`  ${x.beforeResponse} ${what} events arrived before their write's response (counted as 0 ms)`);
  }
  if (r.watchEndedEarly) lines.push(`  the watch ended early: ${r.watchEndedEarly}`);
  const l = r.listFromCache;
  lines.push(latencyRow('list from watch cache (resourceVersion=0)', `${l.items} items, ${mib(l.bytes)}`, l.latencyMs, w));
  const e = r.listFromEtcd;
  lines.push(row(['list from etcd (consistent, paged)', `${e.items} items, ${e.pages} pages`, ms(e.ms), '', ''], w) + '  (total)');
  const cpu = r.cpuDuringCreates;
  lines.push(
    `CPU used during creates (${num(cpu.wallSeconds, 2)} s wall): apiserver ${num(cpu.apiserverSeconds, 2)} s (${num(cpu.apiserverMsPerCreate, 2)} ms per create), ` +
      `etcd ${num(cpu.etcdSeconds, 2)} s, benchmark client ${num(cpu.benchmarkClientSeconds, 2)} s`,
  );
  const mem = r.apiserverMemory;
  if ('pid' in mem) {
    lines.push(row(['apiserver RSS after creates', `pid ${mem.pid}`, `${num(mem.rssAfterCreatesMiB)} MiB`, '', ''], w) + `  (at start ${num(mem.baselineRssMiB)} MiB, peak ${num(mem.peakRssMiB)} MiB)`);
  } else {
    lines.push(`apiserver RSS: not measured (${mem.unavailable})`);
  }
  lines.push('');
  lines.push('goals');
  for (const g of r.goals) {
    const verdict = g.pass === null ? 'n/a' : g.pass ? 'pass' : 'MISS';
    const measured = g.measured === null ? 'not measured' : `${g.measured.toFixed(g.unit === '/s' ? 0 : 2)} ${g.unit}`;
    lines.push(`  ${verdict.padEnd(5)} ${g.description.padEnd(56)} ${measured.padStart(14)}  (goal ${g.comparison} ${g.target} ${g.unit})`);
  }
  return lines.join('\n');
}
