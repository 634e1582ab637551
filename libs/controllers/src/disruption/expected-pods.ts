import type { Deployment, Pod, ReplicaSet, StatefulSet } from '@skiff/api';
import type { Lister } from '@skiff/client';

export interface ScaleListers {
  replicaSets: Lister<ReplicaSet>;
  deployments: Lister<Deployment>;
  statefulSets: Lister<StatefulSet>;
}

/**
 * How many pods the budget's pods' controllers want: the sum of each distinct controller's replicas (a ReplicaSet
 * owned by a Deployment counts as the Deployment). Undefined when some pod has no controller whose scale we know;
 * the caller then counts the matching pods instead.
 */
export function expectedPodsFromControllers(budgetPods: readonly Pod[], listers: ScaleListers): number | undefined {
  const scales = new Map<string, number>();
  for (const pod of budgetPods) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    const ns = pod.metadata.namespace;
    if (!ref) return undefined;
    if (ref.kind === 'ReplicaSet' && ref.apiVersion.startsWith('apps/')) {
      const rs = listers.replicaSets.get(ns, ref.name);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      const deploymentRef = rs.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
      if (deploymentRef) {
        const d = listers.deployments.get(ns, deploymentRef.name);
        if (!d || d.metadata.uid !== deploymentRef.uid) return undefined;
        scales.set(`Deployment/${d.metadata.uid}`, d.spec?.replicas ?? 1);
      } else {
        scales.set(`ReplicaSet/${rs.metadata.uid}`, rs.spec?.replicas ?? 1);
      }
    } else if (ref.kind === 'StatefulSet' && ref.apiVersion.startsWith('apps/')) {
      const sts = listers.statefulSets.get(ns, ref.name);
      if (!sts || sts.metadata.uid !== ref.uid) return undefined;
      scales.set(`StatefulSet/${sts.metadata.uid}`, sts.spec.replicas ?? 1);
    } else {
      return undefined;
    }
  }
  return [...scales.values()].reduce((a, b) => a + b, 0);
}

/** intstr's scaled value: an int as is, a percentage of `total` rounded up or down. */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number(value);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function isPercent(value: number | string | undefined): boolean {
  return typeof value === 'string' && value.endsWith('%');
}
