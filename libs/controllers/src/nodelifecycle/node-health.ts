import { formatTime, type Lease, type Node, type NodeCondition } from '@skiff/api';

/** The conditions the kubelet posts; when it goes quiet they all become Unknown. */
export const kubeletConditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export const stoppedPostingMessage = 'Kubelet stopped posting node status.';
export const neverPostedMessage = 'Kubelet never posted node status.';

/**
 * When each node's heartbeat was last seen to move, by this controller's clock. Like Kubernetes, the
 * heartbeat timestamps themselves are only compared for change, so clock skew between node and controller
 * does not matter; a node first seen counts as heard from now.
 */
export class NodeHeartbeats {
  private readonly seen = new Map<string, { marker: string; atMs: number }>();

  /** Records the node's current heartbeat and returns how long ago (ms) it last changed. */
  silenceMs(node: Node, lease: Lease | undefined, nowMs: number): number {
    const name = node.metadata.name!;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const marker = `${lease?.spec?.renewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}`;
    const prev = this.seen.get(name);
    if (!prev || prev.marker !== marker) {
      this.seen.set(name, { marker, atMs: nowMs });
      return 0;
    }
    return nowMs - prev.atMs;
  }

  forget(nodeName: string): void {
    this.seen.delete(nodeName);
  }
}

/** The node's conditions with every kubelet condition set to Unknown; undefined when they already are. */
export function unknownConditions(node: Node, nowMs: number): NodeCondition[] | undefined {
  const now = formatTime(new Date(nowMs));
  const current = node.status?.conditions ?? [];
  let changed = false;
  const next = current.map((c) => {
    if (!kubeletConditionTypes.includes(c.type) || c.status === 'Unknown') return c;
    changed = true;
    return { ...c, status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: stoppedPostingMessage, lastTransitionTime: now };
  });
  for (const type of kubeletConditionTypes) {
    if (current.some((c) => c.type === type)) continue;
    changed = true;
    next.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: neverPostedMessage, lastHeartbeatTime: now, lastTransitionTime: now });
  }
  return changed ? next : undefined;
}
