import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * How a query ended: answered from cluster data (`answer`, `nxdomain`, `nodata`), passed on to an upstream that
 * replied (`forwarded`), no upstream replied in time (`servfail`), turned away (`refused`: too many forwards in
 * flight, an opcode or class the server does not serve), or malformed (`formerr`, which includes BADVERS).
 */
export type DnsQueryResult = 'answer' | 'nxdomain' | 'nodata' | 'forwarded' | 'servfail' | 'refused' | 'formerr';

export const dnsQueriesTotalName = 'skiff_dns_queries_total';
export const dnsQueryDurationName = 'skiff_dns_query_duration_seconds';

/** `skiff_dns_queries_total{result}` and the time from a query's arrival to its answer being sent. */
export class DnsMetrics {
  private readonly queries: Counter<'result'>;
  private readonly duration: Histogram<'result'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.queries =
      (registry?.getSingleMetric(dnsQueriesTotalName) as Counter<'result'> | undefined) ??
      new Counter({ name: dnsQueriesTotalName, help: 'DNS queries answered by cluster DNS, by result.', labelNames: ['result'], registers });
    this.duration =
      (registry?.getSingleMetric(dnsQueryDurationName) as Histogram<'result'> | undefined) ??
      new Histogram({
        name: dnsQueryDurationName,
        help: 'Time from a DNS query arriving to its answer being sent, by result.',
        labelNames: ['result'],
        buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      });
  }

  observe(result: DnsQueryResult, seconds: number): void {
    this.queries.inc({ result });
    this.duration.observe({ result }, seconds);
  }
}
