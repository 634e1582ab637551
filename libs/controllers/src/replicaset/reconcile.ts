import { labelSelectorFromObject, pods as podType, replicasets, type Pod, type ReplicaSet } from '@skiff/api';
import { isNotFound, type Clock, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { claimObjects, controllerReferenceTo } from './controller-ref';
import type { ControllerExpectations } from './expectations';
import { podsToDelete } from './pod-deletion-order';
import { isPodActive } from './pod-state';
import { replicaSetStatus, statusDiffers, type ReplicaFailureReason } from './replicaset-status';
import { slowStartBatch } from './slow-start';

/** At most this many pods are created or deleted in one sync (Kubernetes' BurstReplicas). */
export const burstReplicas = 500;

export interface ReplicaSetDeps {
  client: KubeClient;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  expectations: ControllerExpectations;
  /** Asks for another sync of `key` after `ms` (used to notice pods becoming available after minReadySeconds). */
  enqueueAfter(key: string, ms: number): void;
}

/** The pod a ReplicaSet creates: its template, a generated name under the set's, and the set as controller. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template = rs.spec.template ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [controllerReferenceTo(rs, replicasets)],
    },
    spec: structuredClone(template.spec!),
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const podKey = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;

/** Syncs one ReplicaSet: claims pods, creates or deletes toward spec.replicas unless earlier writes are unobserved, reports status. */
export async function reconcileReplicaSet(key: string, deps: ReplicaSetDeps): Promise<void> {
  const [namespace, name] = key.split('/');
  const rs = deps.replicaSets.get(namespace, name);
  if (!rs) {
    deps.expectations.forget(key);
    return;
  }
  const needsSync = deps.expectations.satisfied(key) && !rs.metadata.deletionTimestamp;
  const selector = labelSelectorFromObject(rs.spec.selector);
  const claimed = await claimObjects(deps.pods.listInNamespace(namespace), {
    client: deps.client,
    owner: rs,
    ownerType: replicasets,
    childType: podType,
    selector,
    recheckOwner: async () => {
      try {
        return await deps.client.get<ReplicaSet>(replicasets, namespace, name);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
  });
  const active = claimed.filter(isPodActive);

  let failure: { reason: ReplicaFailureReason; message: string; error: unknown } | undefined;
  if (needsSync) failure = await manageReplicas(key, rs, active, deps);

  const now = deps.clock.now();
  const status = replicaSetStatus(rs, active, now, failure);
  if (statusDiffers(rs.status, status)) {
    // A merge patch keeps fields it does not name, so a dropped condition list is cleared explicitly.
    const patch = { status: { ...status, ...(status.conditions ? {} : rs.status?.conditions ? { conditions: null } : {}) } };
    try {
      await deps.client.patch(replicasets, namespace, name, 'merge', patch, { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  if (failure) throw failure.error;
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  if (minReadySeconds > 0 && status.readyReplicas === (rs.spec.replicas ?? 1) && status.availableReplicas !== (rs.spec.replicas ?? 1)) {
    deps.enqueueAfter(key, minReadySeconds * 1000);
  }
}

async function manageReplicas(
  key: string,
  rs: ReplicaSet,
  active: Pod[],
  deps: ReplicaSetDeps,
): Promise<{ reason: ReplicaFailureReason; message: string; error: unknown } | undefined> {
  const desired = rs.spec.replicas ?? 1;
  const diff = active.length - desired;
  if (diff < 0) {
    const count = Math.min(-diff, burstReplicas);
    // Expect every create before issuing any, so informer events arriving mid-batch are counted.
    deps.expectations.expectCreations(key, count);
    const { successes, error } = await slowStartBatch(count, 1, async () => {
      try {
        const pod = await deps.client.create<Pod>(podType, rs.metadata.namespace, podFromTemplate(rs));
        deps.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (e) {
        deps.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(e)}`);
        throw e;
      }
    });
    // Creates that failed or were never issued will not show up in the informer.
    for (let i = successes; i < count; i++) deps.expectations.creationObserved(key);
    if (error) return { reason: 'FailedCreate', message: errorMessage(error), error };
  } else if (diff > 0) {
    const victims = podsToDelete(active, active, Math.min(diff, burstReplicas));
    deps.expectations.expectDeletions(key, victims.map(podKey));
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        try {
          await deps.client.delete(podType, pod.metadata.namespace, pod.metadata.name!);
          deps.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          // Already gone counts as deleted; any other failure means the informer will never see this deletion.
          deps.expectations.deletionObserved(key, podKey(pod));
          if (isNotFound(e)) return;
          deps.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(e)}`);
          throw e;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) return { reason: 'FailedDelete', message: errorMessage(failed.reason), error: failed.reason };
  }
  return undefined;
}
