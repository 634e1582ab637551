import { formatTime, type Pod, type ReplicaSet, type ReplicaSetStatus } from '@skiff/api';
import { isPodAvailable, isPodReady } from './pod-state';

export type ReplicaFailureReason = 'FailedCreate' | 'FailedDelete';

/** The status a ReplicaSet should report for its active, claimed pods (Kubernetes' calculateStatus). */
export function replicaSetStatus(rs: ReplicaSet, activePods: Pod[], now: number, failure?: { reason: ReplicaFailureReason; message: string }): ReplicaSetStatus {
  const templateLabels = rs.spec.template?.metadata?.labels ?? {};
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  const fullyLabeled = activePods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v));
  const previous = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const others = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const conditions = failure
    ? [...others, { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: previous?.status === 'True' ? previous.lastTransitionTime : formatTime(new Date(now)) }]
    : others;
  return {
    replicas: activePods.length,
    fullyLabeledReplicas: fullyLabeled.length,
    readyReplicas: activePods.filter(isPodReady).length,
    availableReplicas: activePods.filter((p) => isPodAvailable(p, minReadySeconds, now)).length,
    observedGeneration: rs.metadata.generation,
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

/** Whether a status write would change anything the API shows. */
export function statusDiffers(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  const fields = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const;
  if (fields.some((f) => (a?.[f] ?? 0) !== (b[f] ?? 0))) return true;
  // Compared field by field: the server may return the same conditions with their keys in another order.
  const key = (s: ReplicaSetStatus | undefined) => JSON.stringify((s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime]));
  return key(a) !== key(b);
}
