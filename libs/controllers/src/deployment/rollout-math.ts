import type { Deployment, ReplicaSet } from '@skiff/api';

export const replicasOf = (obj: { spec: { replicas?: number } }) => obj.spec.replicas ?? 1;
export const specReplicas = (sets: ReplicaSet[]) => sets.reduce((n, rs) => n + replicasOf(rs), 0);
export const statusReplicas = (sets: ReplicaSet[]) => sets.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const readyReplicas = (sets: ReplicaSet[]) => sets.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (sets: ReplicaSet[]) => sets.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

/** An int, or a percentage of `total` rounded up or down (Kubernetes' GetScaledValueFromIntOrPercent). */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number.parseInt(value, 10) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export const isRollingUpdate = (d: Deployment) => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** maxSurge and maxUnavailable as pod counts; both zero would block a rollout, so unavailable becomes 1. */
export function fenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = replicasOf(d);
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge ?? '25%', replicas, true);
  const maxUnavailable = scaledValue(ru?.maxUnavailable ?? '25%', replicas, false);
  return maxSurge === 0 && maxUnavailable === 0 ? { maxSurge, maxUnavailable: 1 } : { maxSurge, maxUnavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).maxSurge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).maxUnavailable, replicas);
}

/** How big the new ReplicaSet may be now: up to replicas + maxSurge pods in all (Kubernetes' NewRSNewReplicas). */
export function newReplicaSetReplicas(d: Deployment, all: ReplicaSet[], newRSReplicas: number): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = specReplicas(all);
  const maxTotal = replicasOf(d) + fenceposts(d).maxSurge;
  if (current >= maxTotal) return newRSReplicas;
  return newRSReplicas + Math.min(maxTotal - current, replicasOf(d) - newRSReplicas);
}

const created = (rs: ReplicaSet) => rs.metadata.creationTimestamp ?? '';

/** Oldest first; name breaks ties so the order is stable. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  if (created(a) !== created(b)) return created(a) < created(b) ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}
