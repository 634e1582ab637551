import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The apiserver's Prometheus metrics, named as Kubernetes names them where a counterpart exists. */
export class ApiserverMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Requests by verb, group, resource, subresource and HTTP code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'code'] as const,
    registers: [this.registry],
  });
  readonly requestLatency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Request latency by verb and resource (watches excluded).',
    labelNames: ['verb', 'group', 'resource', 'subresource'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly openWatches = new Gauge({
    name: 'apiserver_registered_watchers',
    help: 'Open watch streams by resource.',
    labelNames: ['group', 'resource'] as const,
    registers: [this.registry],
  });
  readonly etcdLatency = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Latency of etcd calls by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly cachedObjects = new Gauge({
    name: 'apiserver_watch_cache_objects',
    help: 'Objects held in the watch cache by resource.',
    labelNames: ['group', 'resource'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
