import { formatTime, nodes, pods, type Lease, type Node, type Pod, type Taint } from '@skiff/api';
import { isNotFound, type Clock, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { unknownConditions, type NodeHeartbeats } from './node-health';
import { conditionTaintKeys, evictionVerdict, managedTaintKeys, notReadyTaintKey, unreachableTaintKey, unschedulableTaintKey } from './taints';

export const nodeLeaseNamespace = 'kube-node-lease';
export const podsOnNodeIndex = 'podsOnNode';

export interface NodeLifecycleDeps {
  client: KubeClient;
  nodes: Lister<Node>;
  leases: Lister<Lease>;
  /** Indexed by `podsOnNodeIndex` (spec.nodeName). */
  pods: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  heartbeats: NodeHeartbeats;
  gracePeriodMs: number;
  /** Asks for the node to be looked at again after `ms` (a toleration running out). */
  requeueAfter(nodeName: string, ms: number): void;
}

/** One node's health check, taints and NoExecute evictions; the key is the node's name. */
export async function reconcileNode(name: string, deps: NodeLifecycleDeps): Promise<void> {
  let node = deps.nodes.get(undefined, name);
  if (!node) {
    deps.heartbeats.forget(name);
    return;
  }
  const now = deps.clock.now();
  const lease = deps.leases.get(nodeLeaseNamespace, name);
  if (deps.heartbeats.silenceMs(node, lease, now) >= deps.gracePeriodMs) node = await markUnknown(node, deps);
  if (!node) return;
  node = await syncTaints(node, deps);
  if (!node) return;
  await evictIntolerantPods(node, deps);
}

async function markUnknown(node: Node, deps: NodeLifecycleDeps): Promise<Node | undefined> {
  const conditions = unknownConditions(node, deps.clock.now());
  if (!conditions) return node;
  const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, status: { conditions } };
  try {
    const updated = await deps.client.patch<Node>(nodes, undefined, node.metadata.name!, 'strategic', patch, { subresource: 'status' });
    deps.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    return updated;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The taints the node's Ready condition and spec.unschedulable call for, keeping the timeAdded of those already there. */
function desiredTaints(node: Node, nowMs: number): Taint[] {
  const existing = node.spec?.taints ?? [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const wanted: Pick<Taint, 'key' | 'effect'>[] = [];
  // NoExecute evicts what does not tolerate it; NoSchedule keeps new pods off (pods tolerating the NoExecute one for a
  // while would otherwise be placed there only to be evicted again).
  if (ready === 'Unknown') wanted.push({ key: unreachableTaintKey, effect: 'NoExecute' }, { key: unreachableTaintKey, effect: 'NoSchedule' });
  if (ready === 'False') wanted.push({ key: notReadyTaintKey, effect: 'NoExecute' }, { key: notReadyTaintKey, effect: 'NoSchedule' });
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaintKeys[c.type];
    if (key && c.status === 'True') wanted.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) wanted.push({ key: unschedulableTaintKey, effect: 'NoSchedule' });
  const kept = existing.filter((t) => !managedTaintKeys.includes(t.key) || wanted.some((w) => w.key === t.key && w.effect === t.effect));
  for (const w of wanted) {
    // As in Kubernetes, only NoExecute taints carry the time they were added (tolerationSeconds count from it).
    if (!kept.some((t) => t.key === w.key && t.effect === w.effect)) kept.push(w.effect === 'NoExecute' ? { ...w, timeAdded: formatTime(new Date(nowMs)) } : { ...w });
  }
  return kept;
}

async function syncTaints(node: Node, deps: NodeLifecycleDeps): Promise<Node | undefined> {
  const current = node.spec?.taints ?? [];
  const taints = desiredTaints(node, deps.clock.now());
  if (JSON.stringify(taints) === JSON.stringify(current)) return node;
  const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: taints.length ? taints : null } };
  try {
    return await deps.client.patch<Node>(nodes, undefined, node.metadata.name!, 'merge', patch);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Kubernetes' taint manager: pods that do not tolerate a NoExecute taint (or whose tolerationSeconds ran out) are deleted. */
async function evictIntolerantPods(node: Node, deps: NodeLifecycleDeps): Promise<void> {
  const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (taints.length === 0) return;
  const now = deps.clock.now();
  let nextDeadline = Infinity;
  for (const pod of deps.pods.byIndex(podsOnNodeIndex, node.metadata.name!)) {
    if (pod.metadata.deletionTimestamp) continue;
    const verdict = evictionVerdict(pod, taints, now);
    if (verdict.kind === 'evictAt') nextDeadline = Math.min(nextDeadline, verdict.atMs);
    if (verdict.kind !== 'evictNow') continue;
    try {
      await deps.client.delete(pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      deps.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  if (nextDeadline !== Infinity) deps.requeueAfter(node.metadata.name!, nextDeadline - now);
}
