import type { PodInfo } from '../cache/pod-info';

/**
 * Pods waiting for a node that preemption is clearing for them (status.nominatedNodeName). Filtering counts
 * them on that node for pods of lower or equal priority, so the room made is not taken by someone else.
 */
export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOfPod = new Map<string, string>();

  /** Records the pod's nomination: `nodeName` when given, else what its status says; none removes it. */
  add(pi: PodInfo, nodeName = pi.pod.status?.nominatedNodeName ?? ''): void {
    this.remove(pi.key);
    if (!nodeName) return;
    let pods = this.byNode.get(nodeName);
    if (!pods) this.byNode.set(nodeName, (pods = new Map()));
    pods.set(pi.key, pi);
    this.nodeOfPod.set(pi.key, nodeName);
  }

  remove(key: string): void {
    const node = this.nodeOfPod.get(key);
    if (node === undefined) return;
    this.nodeOfPod.delete(key);
    const pods = this.byNode.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.byNode.delete(node);
  }

  nominatedNodeOf(key: string): string | undefined {
    return this.nodeOfPod.get(key);
  }

  podsOn(nodeName: string): PodInfo[] {
    const pods = this.byNode.get(nodeName);
    return pods ? [...pods.values()] : [];
  }

  get size(): number {
    return this.nodeOfPod.size;
  }
}
