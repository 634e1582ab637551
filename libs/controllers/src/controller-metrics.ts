import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Per-controller queue depth, reconcile latency and errors, as /metrics shows them. */
export class ControllerMetrics {
  readonly queueDepth: Gauge<'controller'>;
  readonly reconcileSeconds: Histogram<'controller'>;
  readonly reconcileErrors: Counter<'controller'>;

  constructor(registry: Registry) {
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Keys waiting in each controller queue.', labelNames: ['controller'], registers: [registry] });
    this.reconcileSeconds = new Histogram({
      name: 'controller_reconcile_duration_seconds',
      help: 'Time spent in reconcile(key) per controller.',
      labelNames: ['controller'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    });
    this.reconcileErrors = new Counter({ name: 'controller_reconcile_errors_total', help: 'reconcile(key) calls that failed, per controller.', labelNames: ['controller'], registers: [registry] });
  }
}
