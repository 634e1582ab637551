import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The rule syncer's metrics, on the program's registry (the DNS server adds its own there). */
export class ProxierMetrics {
  readonly syncDuration: Histogram;
  readonly rules: Gauge<'table'>;
  readonly syncErrors: Counter;

  constructor(registry: Registry) {
    this.syncDuration = new Histogram({
      name: 'skiff_proxy_sync_duration_seconds',
      help: 'Time to render the rules and apply them with iptables-restore (syncs that found nothing changed included).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.rules = new Gauge({
      name: 'skiff_proxy_rules',
      help: 'Rules the proxy has installed, by table.',
      labelNames: ['table'] as const,
      registers: [registry],
    });
    this.syncErrors = new Counter({
      name: 'skiff_proxy_sync_errors_total',
      help: 'Syncs that failed (rendering or iptables-restore); each is retried.',
      registers: [registry],
    });
  }
}
