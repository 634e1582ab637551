import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

const latencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The scheduler's Prometheus metrics, named after kube-scheduler's where one exists. */
export class SchedulerMetrics {
  readonly registry = new Registry();
  /** Read when /metrics is scraped: queue lengths, cache sizes, Event writes waiting. */
  pendingSource?: () => Record<string, number>;
  cacheSource?: () => Record<string, number>;
  eventBacklogSource?: () => number;
  readonly attempts = new Counter({
    name: 'scheduler_schedule_attempts_total',
    help: 'Scheduling attempts by result.',
    labelNames: ['result', 'profile'] as const,
    registers: [this.registry],
  });
  readonly attemptDuration = new Histogram({
    name: 'scheduler_scheduling_attempt_duration_seconds',
    help: 'Time of one scheduling cycle (filter, score, assume; preemption included), by result.',
    labelNames: ['result', 'profile'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly bindingDuration = new Histogram({
    name: 'scheduler_binding_duration_seconds',
    help: 'Time of the binding call to the apiserver.',
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly podSchedulingDuration = new Histogram({
    name: 'scheduler_pod_scheduling_duration_seconds',
    help: 'From a pod entering the queue to its binding, over all attempts.',
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly pendingPods = new Gauge({
    name: 'scheduler_pending_pods',
    help: 'Pending pods by queue (active, backoff, unschedulable).',
    labelNames: ['queue'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [queue, n] of Object.entries(this.pendingSource?.() ?? {})) this.pendingPods.set({ queue }, n);
    },
  });
  readonly preemptionAttempts = new Counter({
    name: 'scheduler_preemption_attempts_total',
    help: 'Preemption attempts.',
    registers: [this.registry],
  });
  readonly preemptionVictims = new Counter({
    name: 'scheduler_preemption_victims_total',
    help: 'Pods deleted by preemption.',
    registers: [this.registry],
  });
  readonly cacheSize = new Gauge({
    name: 'scheduler_cache_size',
    help: 'Nodes and pods in the scheduler cache (assumed pods included).',
    labelNames: ['type'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [type, n] of Object.entries(this.cacheSource?.() ?? {})) this.cacheSize.set({ type }, n);
    },
  });
  readonly eventBacklog = new Gauge({
    name: 'scheduler_event_writes_pending',
    help: 'Events recorded but not yet written to the apiserver.',
    registers: [this.registry],
    collect: () => {
      this.eventBacklog.set(this.eventBacklogSource?.() ?? 0);
    },
  });
  readonly eventsDropped = new Counter({
    name: 'scheduler_events_dropped_total',
    help: 'Scheduled events not written because too many event writes were pending.',
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'leader_election_master_status',
    help: '1 while this replica holds the scheduler lease (always 1 without --leader-elect).',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
