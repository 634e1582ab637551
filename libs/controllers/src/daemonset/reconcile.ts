import { daemonsets, pods as podType, type ControllerRevision, type DaemonSet, type DaemonSetStatus, type Node, type Pod } from '@skiff/api';
import { isNotFound, splitObjectKey, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { scaledValue } from '../disruption/expected-pods';
import { canonicalJSON } from '../endpoints/canonical-json';
import { isPodReady } from '../endpoints/pod-endpoints';
import { daemonPodNode, daemonPodSpec, isPodAvailable, newDaemonPod, revisionHashLabel, templateHash } from './daemon-pod';
import { ensureUpdateRevision, pruneRevisions } from '../statefulset/revisions';
import { nodeEligibility } from './node-eligibility';
import type { PodExpectations } from './pod-expectations';

export interface DaemonSetDeps {
  client: KubeClient;
  daemonSets: Lister<DaemonSet>;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  revisions: Lister<ControllerRevision>;
  recorder: EventRecorder;
  expectations: PodExpectations;
  now: () => number;
}

export interface DaemonSetResult {
  /** Set while the cache lags our writes or a pod is waiting out minReadySeconds: look again after this long. */
  recheckAfterMs?: number;
}

interface NodePlan {
  node: Node;
  shouldRun: boolean;
  shouldContinueRunning: boolean;
  /** This DaemonSet's live pods on the node, oldest first. */
  pods: Pod[];
}

/**
 * One daemon pod on every eligible node: creates the missing ones, deletes extras, failed ones and those on nodes
 * that no longer qualify; rolls pods of an old template within maxUnavailable; then writes status if it changed.
 */
export async function reconcileDaemonSet(key: string, deps: DaemonSetDeps): Promise<DaemonSetResult> {
  const { namespace = '', name } = splitObjectKey(key);
  const ds = deps.daemonSets.get(namespace, name);
  if (!ds) {
    deps.expectations.forget(key);
    return {};
  }
  const owned = deps.pods.listInNamespace(namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === ds.metadata.uid));
  if (deps.expectations.isStale(key, owned)) return { recheckAfterMs: 30_000 };
  if (ds.metadata.deletionTimestamp) return {};

  const now = deps.now();
  const hash = templateHash(ds);
  // The template is kept as a ControllerRevision `<name>-<hash>` for rollout history and undo; pods carry the hash.
  await ensureUpdateRevision({ ...ds, kind: 'DaemonSet' }, deps.revisions, deps.client);
  const plans = planNodes(ds, owned, deps.nodes.list());
  const toCreate: string[] = [];
  const toDelete: Pod[] = [];
  for (const plan of plans.values()) {
    const failed = plan.pods.filter((p) => p.status?.phase === 'Failed');
    const running = plan.pods.filter((p) => p.status?.phase !== 'Failed');
    toDelete.push(...failed);
    if (plan.shouldRun && running.length === 0) toCreate.push(plan.node.metadata.name!);
    else if (plan.shouldContinueRunning) toDelete.push(...running.slice(1));
    else toDelete.push(...running);
  }
  // Pods pinned to nodes that no longer exist.
  const known = new Set(plans.keys());
  toDelete.push(...owned.filter((p) => !p.metadata.deletionTimestamp && !known.has(daemonPodNode(p) ?? '')));

  if (toCreate.length === 0 && toDelete.length === 0 && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    toDelete.push(...rollingUpdateDeletions(ds, plans, hash, now));
  }

  for (const nodeName of toCreate) {
    const created = await deps.client.create<Pod>(podType, namespace, newDaemonPod(ds, nodeName, hash));
    deps.expectations.created(key, created.metadata.name!);
    deps.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }
  for (const pod of toDelete) {
    try {
      await deps.client.delete(podType, namespace, pod.metadata.name!);
      deps.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    deps.expectations.deleted(key, pod.metadata.name!);
  }

  await writeStatus(ds, plans, hash, now, deps);
  const inUse = new Set(owned.map((p) => `${ds.metadata.name}-${p.metadata.labels?.[revisionHashLabel] ?? ''}`));
  await pruneRevisions(ds, inUse, deps.revisions, deps.client);
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  const waitingToBeAvailable = minReadySeconds > 0 && owned.some((p) => isPodReady(p) && !isPodAvailable(p, minReadySeconds, now));
  return waitingToBeAvailable ? { recheckAfterMs: minReadySeconds * 1000 } : {};
}

function planNodes(ds: DaemonSet, owned: readonly Pod[], nodes: readonly Node[]): Map<string, NodePlan> {
  const spec = daemonPodSpec(ds);
  const plans = new Map<string, NodePlan>();
  for (const node of nodes) plans.set(node.metadata.name!, { node, ...nodeEligibility(node, spec), pods: [] });
  const live = owned.filter((p) => !p.metadata.deletionTimestamp);
  const oldestFirst = [...live].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const pod of oldestFirst) plans.get(daemonPodNode(pod) ?? '')?.pods.push(pod);
  return plans;
}

/**
 * Old-template pods to delete now: unavailable ones at once, available ones only while the number of nodes without
 * an available daemon pod stays within maxUnavailable. Their replacements come on a later pass, once they are gone.
 */
function rollingUpdateDeletions(ds: DaemonSet, plans: Map<string, NodePlan>, hash: string, now: number): Pod[] {
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  const desired = [...plans.values()].filter((p) => p.shouldRun).length;
  const maxUnavailable = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true) || (desired > 0 ? 1 : 0);
  let unavailable = 0;
  const oldAvailable: Pod[] = [];
  const deletions: Pod[] = [];
  for (const plan of plans.values()) {
    if (!plan.shouldRun) continue;
    const pod = plan.pods[0];
    const available = pod !== undefined && isPodAvailable(pod, minReadySeconds, now);
    if (!available) unavailable++;
    if (!pod || pod.metadata.labels?.[revisionHashLabel] === hash) continue;
    if (available) oldAvailable.push(pod);
    else deletions.push(pod);
  }
  for (const pod of oldAvailable) {
    if (unavailable >= maxUnavailable) break;
    deletions.push(pod);
    unavailable++;
  }
  return deletions;
}

async function writeStatus(ds: DaemonSet, plans: Map<string, NodePlan>, hash: string, now: number, deps: DaemonSetDeps): Promise<void> {
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let scheduled = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const plan of plans.values()) {
    const pod = plan.pods[0];
    if (!plan.shouldRun) {
      if (pod) misscheduled++;
      continue;
    }
    desired++;
    if (!pod) continue;
    scheduled++;
    if (isPodReady(pod)) ready++;
    if (isPodAvailable(pod, minReadySeconds, now)) available++;
    if (pod.metadata.labels?.[revisionHashLabel] === hash) updated++;
  }
  const next: DaemonSetStatus = {
    ...(ds.status ?? {}),
    desiredNumberScheduled: desired,
    currentNumberScheduled: scheduled,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: available,
    numberUnavailable: desired - available,
    updatedNumberScheduled: updated,
    ...(ds.metadata.generation !== undefined ? { observedGeneration: ds.metadata.generation } : {}),
  };
  if (canonicalJSON(next) === canonicalJSON(ds.status ?? {})) return;
  await deps.client.update<DaemonSet>(daemonsets, { ...ds, status: next }, { subresource: 'status' });
}
