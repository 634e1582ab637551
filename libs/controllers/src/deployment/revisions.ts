import type { Deployment, ReplicaSet } from '@skiff/api';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';

/** Deployment annotations that describe the deployment itself and are not copied onto its ReplicaSets. */
const notCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const n = Number.parseInt(obj.metadata.annotations?.[revisionAnnotation] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

export function maxRevision(sets: ReplicaSet[]): number {
  return Math.max(0, ...sets.map(revisionOf));
}

/**
 * The annotations a Deployment's new ReplicaSet should carry: the deployment's own (so `rollout history` shows the
 * change cause), and a revision one past every older set; a reused set's previous revisions go to revision-history.
 */
export function newReplicaSetAnnotations(d: Deployment, rs: ReplicaSet | undefined, newRevision: number): Record<string, string> {
  const annotations: Record<string, string> = { ...(rs?.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!notCopied.has(k)) annotations[k] = v;
  const old = rs ? revisionOf(rs) : 0;
  if (old < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    if (old > 0) annotations[revisionHistoryAnnotation] = [annotations[revisionHistoryAnnotation], String(old)].filter(Boolean).join(',');
  }
  return annotations;
}

export function sameAnnotations(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => a![k] === b?.[k]);
}
