import { formatTime, type Deployment, type DeploymentCondition, type DeploymentStatus, type ReplicaSet } from '@skiff/api';
import { availableReplicas, maxUnavailable, readyReplicas, replicasOf, specReplicas, statusReplicas } from './rollout-math';

export type ProgressingReason =
  | 'NewReplicaSetCreated'
  | 'FoundNewReplicaSet'
  | 'ReplicaSetUpdated'
  | 'NewReplicaSetAvailable'
  | 'ProgressDeadlineExceeded'
  | 'DeploymentPaused'
  | 'DeploymentResumed';

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const t = formatTime(new Date(now));
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Sets a condition unless one with the same status and reason is there; a same-status change keeps lastTransitionTime. */
export function setCondition(status: DeploymentStatus, c: DeploymentCondition): void {
  const current = getCondition(status, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return;
  const next = current && current.status === c.status ? { ...c, lastTransitionTime: current.lastTransitionTime } : c;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}

/** The counts `kubectl rollout status` reads, plus the Available condition (Kubernetes' calculateStatus). */
export function calculateStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const available = availableReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: statusReplicas(all),
    updatedReplicas: newRS ? statusReplicas([newRS]) : 0,
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(all) - available),
    conditions: structuredClone(d.status?.conditions ?? []),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Every replica updated, present and available, for the current generation. */
export function isComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = replicasOf(d);
  return status.updatedReplicas === replicas && status.replicas === replicas && status.availableReplicas === replicas && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Whether the new status shows any step forward from the old one (Kubernetes' DeploymentProgressing). */
export function madeProgress(old: DeploymentStatus | undefined, next: DeploymentStatus): boolean {
  const oldOld = (old?.replicas ?? 0) - (old?.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old?.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old?.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old?.availableReplicas ?? 0)
  );
}

export function hasProgressDeadline(d: Deployment): boolean {
  return d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;
}

/** When the Progressing condition's deadline passes (ms since epoch), if a rollout is still under way. */
export function progressDeadline(d: Deployment, status: DeploymentStatus): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = getCondition(status, 'Progressing');
  if (!c || c.reason === 'NewReplicaSetAvailable' || c.reason === 'ProgressDeadlineExceeded' || !c.lastUpdateTime) return undefined;
  return Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds! * 1000;
}

/** Adds the Progressing condition a rollout step earns: complete, progressing, or timed out (Kubernetes' syncRolloutStatus). */
export function rolloutStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const status = calculateStatus(d, all, newRS, now);
  if (!hasProgressDeadline(d)) {
    removeCondition(status, 'Progressing');
    return status;
  }
  const current = getCondition(d.status, 'Progressing');
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  if (alreadyComplete) return status;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (isComplete(d, status)) {
    setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${subject} has successfully progressed.`, now));
  } else if (madeProgress(d.status, status)) {
    // Progress refreshes lastUpdateTime (restarting the deadline) even when the reason is unchanged.
    const c = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${subject} is progressing.`, now);
    if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
    removeCondition(status, 'Progressing');
    setCondition(status, c);
  } else {
    const deadline = progressDeadline(d, status);
    const timedOut = getCondition(status, 'Progressing')?.reason === 'ProgressDeadlineExceeded' || (deadline !== undefined && deadline < now);
    if (timedOut) setCondition(status, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${subject} has timed out progressing.`, now));
  }
  return status;
}

/** Whether writing `next` over `current` would change anything (lastUpdateTime included). */
export function statusChanged(current: DeploymentStatus | undefined, next: DeploymentStatus): boolean {
  const fields = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'] as const;
  if (fields.some((f) => (current?.[f] ?? 0) !== (next[f] ?? 0))) return true;
  const key = (cs: DeploymentCondition[] | undefined) =>
    JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.lastUpdateTime, c.lastTransitionTime]));
  // Compared field by field: the server may return the same conditions with their keys in another order.
  return key(current?.conditions) !== key(next.conditions);
}
