import { Counter, type Registry } from 'prom-client';
import { probeTypeTitle, type ProbeResult, type ProbeType } from './probe-outcome';

export const proberProbeTotalName = 'prober_probe_total';

const labelNames = ['probe_type', 'container', 'pod', 'namespace', 'result'] as const;
type Label = (typeof labelNames)[number];

/** Whose probe a count belongs to. */
export interface ProbeMetricTarget {
  probeType: ProbeType;
  container: string;
  pod: string;
  namespace: string;
}

/** Kubernetes' words for results in this metric. */
const resultLabel: Record<ProbeResult, string> = { success: 'successful', failure: 'failed', unknown: 'unknown' };

/** `prober_probe_total`: probe runs by probe type, container, pod, namespace and result. */
export class ProberMetrics {
  private readonly total: Counter<Label>;

  constructor(registry?: Registry) {
    // Several probe managers may share one registry; the counter is registered once.
    const existing = registry?.getSingleMetric(proberProbeTotalName);
    this.total =
      (existing as Counter<Label> | undefined) ??
      new Counter({
        name: proberProbeTotalName,
        help: 'Cumulative number of a liveness, readiness or startup probe for a container by result.',
        labelNames,
        registers: registry ? [registry] : [],
      });
  }

  count(target: ProbeMetricTarget, result: ProbeResult): void {
    this.total.inc({ ...this.labels(target), result: resultLabel[result] });
  }

  /** Drops a stopped worker's series so deleted pods do not linger in /metrics. */
  forget(target: ProbeMetricTarget): void {
    for (const result of Object.values(resultLabel)) this.total.remove({ ...this.labels(target), result });
  }

  private labels(t: ProbeMetricTarget) {
    return { probe_type: probeTypeTitle(t.probeType), container: t.container, pod: t.pod, namespace: t.namespace };
  }
}
