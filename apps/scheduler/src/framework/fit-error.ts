import type { Status } from './status';

/** Why no node was chosen: each node's rejecting status, and the messages of PreFilter and PostFilter. */
export interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  /** Status for nodes that are not in nodeToStatus (e.g. all of them when PreFilter rejected the pod). */
  absentNodesStatus?: Status;
  /** Plugins that rejected the pod somewhere: only events they care about requeue it. */
  unschedulablePlugins: Set<string>;
  preFilterMessage?: string;
  postFilterMessage?: string;
}

export function emptyDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
}

/**
 * The message users read in `kubectl describe pod`, built as Kubernetes builds it:
 * `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.` — one
 * count per distinct reason, sorted as strings — followed by what preemption said, if it ran.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMessage) {
    msg += ` ${d.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const status of d.nodeToStatus.values()) for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentNodesStatus) for (const r of d.absentNodesStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(compareStrings);
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMessage) msg += ` ${d.postFilterMessage}`;
  return msg;
}

/** Byte-wise order, as Go's sort.Strings. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
