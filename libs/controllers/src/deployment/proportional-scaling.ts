import type { ReplicaSet } from '@skiff/api';
import { maxReplicasAnnotation, desiredReplicasAnnotation } from './revisions';
import type { DeploymentRollout } from './rollout';
import { isRollingUpdate, maxSurge, replicasOf, specReplicas } from './rollout-math';

const created = (rs: ReplicaSet) => rs.metadata.creationTimestamp ?? '';

/** True when spec.replicas changed since the active sets were last sized (their desired-replicas annotation differs). */
export function isScalingEvent(r: DeploymentRollout): boolean {
  const desired = String(replicasOf(r.d));
  return r.sets.filter((rs) => replicasOf(rs) > 0).some((rs) => rs.metadata.annotations?.[desiredReplicasAnnotation] !== undefined && rs.metadata.annotations[desiredReplicasAnnotation] !== desired);
}

/**
 * Resizes the sets to a new spec.replicas without rolling anything: one active set takes the whole size; during
 * a rollout the change is spread over the active sets in proportion to their sizes (Kubernetes' proportional scaling).
 */
export async function scaleToSpec(r: DeploymentRollout): Promise<void> {
  const { newRS, old } = r.newAndOld();
  const active = r.sets.filter((rs) => replicasOf(rs) > 0);
  const replicas = replicasOf(r.d);
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...old].sort((a, b) => (created(a) < created(b) ? 1 : -1))[0];
    if (target) await r.scale(target, replicas);
    return;
  }
  const saturated = newRS && replicasOf(newRS) === replicas && (newRS.status?.availableReplicas ?? 0) === replicas;
  if (saturated) {
    for (const rs of old.filter((s) => replicasOf(s) > 0)) await r.scale(rs, 0);
    return;
  }
  if (!isRollingUpdate(r.d)) return;
  const allowed = replicas > 0 ? replicas + maxSurge(r.d) : 0;
  const toAdd = allowed - specReplicas(active);
  if (toAdd === 0) {
    for (const rs of active) await r.scale(rs, replicasOf(rs));
    return;
  }
  // Growing favours the larger and newer sets, shrinking the larger and older ones.
  const order = [...active].sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? (created(a) < created(b) ? 1 : -1) : created(a) < created(b) ? -1 : 1));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of order) {
    const annotated = Number.parseInt(rs.metadata.annotations?.[maxReplicasAnnotation] ?? '', 10) || r.d.status?.replicas || replicasOf(rs);
    const fraction = replicas === 0 ? -replicasOf(rs) : Math.round((replicasOf(rs) * allowed) / annotated) - replicasOf(rs);
    const share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
    sizes.set(rs, replicasOf(rs) + share);
    added += share;
  }
  // Rounding leftovers go to the largest set.
  sizes.set(order[0], Math.max(0, sizes.get(order[0])! + toAdd - added));
  for (const rs of order) await r.scale(rs, Math.max(0, sizes.get(rs)!));
}
