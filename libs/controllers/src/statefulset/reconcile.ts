import { pods as podType, statefulsets, type ControllerRevision, type Pod, type StatefulSet, type StatefulSetStatus } from '@skiff/api';
import { isAlreadyExists, isNotFound, splitObjectKey, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { isPodAvailable } from '../daemonset/daemon-pod';
import type { PodExpectations } from '../daemonset/pod-expectations';
import { canonicalJSON } from '../endpoints/canonical-json';
import { ensureUpdateRevision, pruneRevisions, templateOfRevision, updateRevisionName } from './revisions';
import { isRunningAndReady, newStatefulPod, ordinalRange, podOrdinal, podRevision } from './stateful-pod';

export interface StatefulSetDeps {
  client: KubeClient;
  statefulSets: Lister<StatefulSet>;
  pods: Lister<Pod>;
  revisions: Lister<ControllerRevision>;
  recorder: EventRecorder;
  expectations: PodExpectations;
  now: () => number;
}

/** What one pass decided; the pass stops at the first write when pods are managed in order. */
type Step = 'continue' | 'stop';

/**
 * One pass over a StatefulSet: creates missing ordinals (in order, each waiting for the previous to be Running
 * and Ready, unless Parallel), removes ordinals beyond `replicas` from the highest down, and replaces pods of an
 * old revision from the highest ordinal down to the partition, one at a time. Then it writes status if changed.
 */
export async function reconcileStatefulSet(key: string, deps: StatefulSetDeps): Promise<{ recheckAfterMs?: number }> {
  const { namespace = '', name } = splitObjectKey(key);
  const sts = deps.statefulSets.get(namespace, name);
  if (!sts) {
    deps.expectations.forget(key);
    return {};
  }
  const owned = deps.pods.listInNamespace(namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === sts.metadata.uid));
  if (deps.expectations.isStale(key, owned)) return { recheckAfterMs: 30_000 };
  if (sts.metadata.deletionTimestamp) return {};

  await ensureUpdateRevision({ ...sts, kind: 'StatefulSet' }, deps.revisions, deps.client);
  const updateRevision = updateRevisionName(sts);
  const currentRevision = sts.status?.currentRevision ?? updateRevision;
  await syncPods(sts, owned, currentRevision, updateRevision, key, deps);
  await writeStatus(sts, owned, currentRevision, updateRevision, deps);
  const inUse = new Set([currentRevision, ...owned.map((p) => podRevision(p) ?? '')]);
  await pruneRevisions(sts, inUse, deps.revisions, deps.client);
  return {};
}

async function syncPods(sts: StatefulSet, owned: Pod[], currentRevision: string, updateRevision: string, key: string, deps: StatefulSetDeps): Promise<void> {
  const ordered = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  const rolling = (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = rolling ? (sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
  const { start, end } = ordinalRange(sts);
  const byOrdinal = new Map<number, Pod>();
  const condemned: { ordinal: number; pod: Pod }[] = [];
  for (const pod of owned) {
    const ordinal = podOrdinal(sts, pod);
    if (ordinal !== undefined && ordinal >= start && ordinal < end) byOrdinal.set(ordinal, pod);
    else condemned.push({ ordinal: ordinal ?? Number.MAX_SAFE_INTEGER, pod });
  }

  let wrote = false;
  let allHealthy = true;
  for (let ordinal = start; ordinal < end; ordinal++) {
    const pod = byOrdinal.get(ordinal);
    let step: Step = 'continue';
    if (!pod) {
      // Below the partition a pod comes back at the revision it had; at or above it, at the new one.
      const revision = ordinal < partition ? currentRevision : updateRevision;
      const template = templateOfRevision(sts, revision, deps.revisions);
      await createPod(sts, ordinal, template ? revision : updateRevision, key, deps, template);
      wrote = true;
      allHealthy = false;
      step = 'stop';
    } else if (pod.metadata.deletionTimestamp) {
      allHealthy = false;
      step = 'stop';
    } else if (pod.status?.phase === 'Failed') {
      await deletePod(sts, pod, key, deps);
      wrote = true;
      allHealthy = false;
      step = 'stop';
    } else if (!isRunningAndReady(pod)) {
      allHealthy = false;
      step = 'stop';
    }
    if (step === 'stop' && ordered) return;
  }

  // Scale down from the highest ordinal; in order, one at a time and only while every other pod is healthy.
  condemned.sort((a, b) => b.ordinal - a.ordinal);
  for (const { pod } of condemned) {
    if (pod.metadata.deletionTimestamp) {
      if (ordered) return;
      continue;
    }
    if (ordered && !allHealthy) return;
    await deletePod(sts, pod, key, deps);
    wrote = true;
    if (ordered) return;
  }
  if (wrote || !allHealthy || !rolling) return;

  // Rolling update: the highest ordinal still on an old revision goes first; it comes back at the new one.
  for (let ordinal = end - 1; ordinal >= Math.max(start, partition); ordinal--) {
    const pod = byOrdinal.get(ordinal)!;
    if (podRevision(pod) !== updateRevision) {
      await deletePod(sts, pod, key, deps);
      return;
    }
  }
}

async function createPod(sts: StatefulSet, ordinal: number, revision: string, key: string, deps: StatefulSetDeps, template = sts.spec.template): Promise<void> {
  const pod = newStatefulPod(sts, ordinal, template, revision);
  try {
    await deps.client.create<Pod>(podType, sts.metadata.namespace, pod);
  } catch (e) {
    // The cache had not caught up with a create of ours; the pod's own event brings us back.
    if (isAlreadyExists(e)) return;
    deps.recorder.event(sts, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} failed error: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
  deps.expectations.created(key, pod.metadata.name!);
  deps.recorder.event(sts, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
}

async function deletePod(sts: StatefulSet, pod: Pod, key: string, deps: StatefulSetDeps): Promise<void> {
  try {
    await deps.client.delete(podType, pod.metadata.namespace, pod.metadata.name!);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  deps.expectations.deleted(key, pod.metadata.name!);
  deps.recorder.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
}

async function writeStatus(sts: StatefulSet, owned: Pod[], currentRevision: string, updateRevision: string, deps: StatefulSetDeps): Promise<void> {
  const now = deps.now();
  const minReadySeconds = sts.spec.minReadySeconds ?? 0;
  const live = owned.filter((p) => !p.metadata.deletionTimestamp);
  const replicas = owned.length;
  const readyReplicas = owned.filter(isRunningAndReady).length;
  const availableReplicas = owned.filter((p) => isRunningAndReady(p) && isPodAvailable(p, minReadySeconds, now)).length;
  const updatedReplicas = live.filter((p) => podRevision(p) === updateRevision).length;
  let currentReplicas = live.filter((p) => podRevision(p) === currentRevision).length;
  let current = currentRevision;
  // The rollout is complete once every replica is updated and ready: the update revision becomes current.
  const desired = sts.spec.replicas ?? 1;
  if (updatedReplicas === desired && readyReplicas === desired && replicas === desired) {
    current = updateRevision;
    currentReplicas = updatedReplicas;
  }
  const next: StatefulSetStatus = {
    ...(sts.status ?? {}),
    ...(sts.metadata.generation !== undefined ? { observedGeneration: sts.metadata.generation } : {}),
    replicas,
    readyReplicas,
    availableReplicas,
    currentReplicas,
    updatedReplicas,
    currentRevision: current,
    updateRevision,
    collisionCount: sts.status?.collisionCount ?? 0,
  };
  if (canonicalJSON(next) === canonicalJSON(sts.status ?? {})) return;
  await deps.client.update<StatefulSet>(statefulsets, { ...sts, status: next }, { subresource: 'status' });
}
