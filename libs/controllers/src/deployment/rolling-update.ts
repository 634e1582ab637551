import type { ReplicaSet } from '@skiff/api';
import { isComplete } from './deployment-status';
import type { DeploymentRollout } from './rollout';
import { availableReplicas, byCreation, maxUnavailable, newReplicaSetReplicas, replicasOf, specReplicas } from './rollout-math';

/**
 * One step of a RollingUpdate: grow the new set within maxSurge, else shrink old sets as far as maxUnavailable
 * allows (unhealthy pods first), and once everything is updated, trim the history.
 */
export async function rolloutRolling(r: DeploymentRollout): Promise<void> {
  const { newRS, old } = await r.syncRevision(true);
  if (newRS && (await scaleNewReplicaSet(r, newRS))) return r.syncRolloutStatus();
  if (await scaleDownOldReplicaSets(r)) return r.syncRolloutStatus();
  if (r.d.status && isComplete(r.d, r.d.status)) await r.cleanupHistory(old);
  await r.syncRolloutStatus();
}

async function scaleNewReplicaSet(r: DeploymentRollout, newRS: ReplicaSet): Promise<boolean> {
  const target = replicasOf(r.d);
  const current = replicasOf(newRS);
  if (current === target) return false;
  if (current > target) return r.scale(newRS, target);
  return r.scale(newRS, newReplicaSetReplicas(r.d, r.sets, current));
}

function current(r: DeploymentRollout): { newRS?: ReplicaSet; activeOld: ReplicaSet[] } {
  const { newRS, old } = r.newAndOld();
  return { newRS, activeOld: old.filter((rs) => replicasOf(rs) > 0).sort(byCreation) };
}

async function scaleDownOldReplicaSets(r: DeploymentRollout): Promise<boolean> {
  const { newRS, activeOld } = current(r);
  if (specReplicas(activeOld) === 0) return false;
  const minAvailable = replicasOf(r.d) - maxUnavailable(r.d);
  const newUnavailable = newRS ? replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = specReplicas(r.sets) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await scaleDownUnhealthy(r, activeOld, maxScaledDown);
  const scaled = await scaleDownAvailable(r, minAvailable);
  return cleaned + scaled > 0;
}

/** Old pods that are not available cost nothing to remove, so they go first. */
async function scaleDownUnhealthy(r: DeploymentRollout, oldSets: ReplicaSet[], maxCleanup: number): Promise<number> {
  let total = 0;
  for (const rs of oldSets) {
    if (total >= maxCleanup) break;
    const replicas = replicasOf(rs);
    const unhealthy = replicas - (rs.status?.availableReplicas ?? 0);
    if (replicas === 0 || unhealthy <= 0) continue;
    const count = Math.min(maxCleanup - total, unhealthy);
    await r.scale(rs, replicas - count);
    total += count;
  }
  return total;
}

/** Then available old pods, oldest sets first, while at least replicas - maxUnavailable stay available. */
async function scaleDownAvailable(r: DeploymentRollout, minAvailable: number): Promise<number> {
  const available = availableReplicas(r.sets);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of current(r).activeOld) {
    if (total >= budget) break;
    const count = Math.min(replicasOf(rs), budget - total);
    await r.scale(rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}
