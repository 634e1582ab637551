import { deployments, labelSelectorFromObject, replicasets, type Deployment, type ReplicaSet } from '@skiff/api';
import { isNotFound } from '@skiff/client';
import { claimObjects } from '../replicaset/controller-ref';
import { getCondition, newCondition, setCondition } from './deployment-status';
import { isScalingEvent, scaleToSpec } from './proportional-scaling';
import { rolloutRecreate } from './recreate';
import { rolloutRolling } from './rolling-update';
import { DeploymentRollout, type DeploymentDeps } from './rollout';

export type { DeploymentDeps } from './rollout';

/**
 * Syncs one Deployment (Kubernetes' syncDeployment): claims its ReplicaSets, then either only scales (paused, or
 * spec.replicas changed) or takes one step of its strategy, and reports status and conditions.
 */
export async function reconcileDeployment(key: string, deps: DeploymentDeps): Promise<void> {
  const [namespace, name] = key.split('/');
  const cached = deps.deployments.get(namespace, name);
  if (!cached) return;
  const d = structuredClone(cached);
  const selector = labelSelectorFromObject(d.spec.selector);
  if (selector.isEmpty()) {
    deps.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if (d.status?.observedGeneration !== d.metadata.generation) {
      await deps.client.patch(deployments, namespace, name, 'merge', { status: { observedGeneration: d.metadata.generation } }, { subresource: 'status' });
    }
    return;
  }
  const sets = await claimObjects(deps.replicaSets.listInNamespace(namespace), {
    client: deps.client,
    owner: d,
    ownerType: deployments,
    childType: replicasets,
    selector,
    recheckOwner: async () => {
      try {
        return await deps.client.get<Deployment>(deployments, namespace, name);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
  });
  const rollout = new DeploymentRollout(deps, d, sets as ReplicaSet[]);
  if (d.metadata.deletionTimestamp) return rollout.syncStatus();
  notePause(d, deps.clock.now());
  if (d.spec.paused) {
    // Paused: sizes follow spec.replicas, but no new ReplicaSet is created and nothing rolls.
    await rollout.syncRevision(false);
    await scaleToSpec(rollout);
    await rollout.cleanupHistory(rollout.newAndOld().old);
    return rollout.syncStatus();
  }
  if (isScalingEvent(rollout)) {
    await rollout.syncRevision(false);
    await scaleToSpec(rollout);
    return rollout.syncStatus();
  }
  if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(rollout);
  return rolloutRolling(rollout);
}

/** Pausing and resuming show in the Progressing condition (Unknown), which also keeps a paused rollout from timing out. */
function notePause(d: Deployment, now: number): void {
  if (d.spec.progressDeadlineSeconds === undefined) return;
  const current = getCondition(d.status, 'Progressing');
  d.status ??= {};
  if (d.spec.paused && current?.reason !== 'DeploymentPaused') {
    setCondition(d.status, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now));
  } else if (!d.spec.paused && current?.reason === 'DeploymentPaused') {
    setCondition(d.status, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now));
  }
}
