import type { Pod, ReplicaSet } from '@skiff/api';
import { isComplete } from './deployment-status';
import type { DeploymentRollout } from './rollout';
import { replicasOf, statusReplicas } from './rollout-math';

/** Recreate: scale every old set to zero, wait until none of their pods runs, then bring up the new set. */
export async function rolloutRecreate(r: DeploymentRollout): Promise<void> {
  let { newRS, old } = await r.syncRevision(false);
  let scaledDown = false;
  for (const rs of old.filter((s) => replicasOf(s) > 0)) scaledDown = (await r.scale(rs, 0)) || scaledDown;
  if (scaledDown) return r.syncRolloutStatus();
  if (oldPodsRunning(r, old)) return r.syncRolloutStatus();
  if (!newRS) ({ newRS, old } = await r.syncRevision(true));
  if (newRS && (await r.scale(newRS, replicasOf(r.d)))) return r.syncRolloutStatus();
  if (r.d.status && isComplete(r.d, r.d.status)) await r.cleanupHistory(old);
  await r.syncRolloutStatus();
}

/** Any pod of an old set that has not finished (terminating ones included) still runs the old version. */
function oldPodsRunning(r: DeploymentRollout, old: ReplicaSet[]): boolean {
  if (statusReplicas(old) > 0) return true;
  const oldUids = new Set(old.map((rs) => rs.metadata.uid));
  const owned = (p: Pod) => p.metadata.ownerReferences?.some((ref) => ref.controller && oldUids.has(ref.uid));
  return r.deps.pods.listInNamespace(r.d.metadata.namespace ?? '').some((p) => owned(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}
