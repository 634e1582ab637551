import type { Node, Pod } from '@skiff/api';
import { NodeInfo } from './node-info';
import { PodInfo } from './pod-info';

const zoneLabel = 'topology.kubernetes.io/zone';
const regionLabel = 'topology.kubernetes.io/region';

interface PodState {
  info: PodInfo;
  nodeName: string;
  /** Chosen by this scheduler and counted on its node while the binding is in flight or not yet observed. */
  assumed: boolean;
}

/**
 * The scheduler's view of the cluster: a NodeInfo per node holding the pods bound to it and the pods this
 * scheduler has assumed onto it. A scheduling cycle runs without awaiting, so it reads this cache directly as a
 * consistent snapshot; what-if evaluation works on NodeInfo clones.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private orderedNodes: NodeInfo[] = [];
  private orderDirty = false;
  private podsWithAffinity = 0;
  private podsWithRequiredAntiAffinity = 0;

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    const zoneBefore = ni.node ? zoneOf(ni.node) : undefined;
    if (!ni.node || zoneBefore !== zoneOf(node)) this.orderDirty = true;
    ni.setNode(node);
    return ni;
  }

  updateNode(node: Node): NodeInfo {
    return this.addNode(node);
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    // Pods that still name the node keep it as a ghost until they are gone, as Kubernetes does.
    if (ni.pods.size === 0) this.nodes.delete(name);
    else ni.clearNode();
    this.orderDirty = true;
  }

  /** A pod bound to a node was observed (added, or its binding seen); replaces any assumed version of it. */
  addPod(pod: Pod): void {
    const info = new PodInfo(pod);
    const nodeName = pod.spec.nodeName ?? '';
    if (!nodeName) return;
    const prior = this.podStates.get(info.key);
    if (prior) this.unaccount(prior);
    this.account({ info, nodeName, assumed: false });
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(key: string): void {
    const prior = this.podStates.get(key);
    if (prior) this.unaccount(prior);
  }

  /** Counts the pod on the chosen node at once, before its binding is written. */
  assumePod(info: PodInfo, nodeName: string): void {
    const prior = this.podStates.get(info.key);
    if (prior) this.unaccount(prior);
    this.account({ info, nodeName, assumed: true });
  }

  /** Undoes an assume after a failed binding; a pod already observed as bound is left alone. */
  forgetPod(key: string): void {
    const state = this.podStates.get(key);
    if (state?.assumed) this.unaccount(state);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed ?? false;
  }

  /** The node a pod is counted on, bound or assumed. */
  nodeOf(key: string): string | undefined {
    return this.podStates.get(key)?.nodeName;
  }

  getNodeInfo(name: string): NodeInfo | undefined {
    const ni = this.nodes.get(name);
    return ni?.node ? ni : undefined;
  }

  /** Nodes that exist, interleaved across zones so that a partial scan still sees every zone. */
  nodeInfos(): NodeInfo[] {
    if (this.orderDirty) {
      this.orderedNodes = interleaveZones([...this.nodes.values()].filter((ni) => ni.node));
      this.orderDirty = false;
    }
    return this.orderedNodes;
  }

  get nodeCount(): number {
    return this.nodeInfos().length;
  }

  get podCount(): number {
    return this.podStates.size;
  }

  /** True when any pod counted anywhere carries pod (anti-)affinity. */
  hasPodsWithAffinity(): boolean {
    return this.podsWithAffinity > 0;
  }

  hasPodsWithRequiredAntiAffinity(): boolean {
    return this.podsWithRequiredAntiAffinity > 0;
  }

  nodesWithAffinityPods(): NodeInfo[] {
    return this.podsWithAffinity ? this.nodeInfos().filter((ni) => ni.podsWithAffinity.length > 0) : [];
  }

  nodesWithRequiredAntiAffinityPods(): NodeInfo[] {
    return this.podsWithRequiredAntiAffinity ? this.nodeInfos().filter((ni) => ni.podsWithRequiredAntiAffinity.length > 0) : [];
  }

  private account(state: PodState): void {
    let ni = this.nodes.get(state.nodeName);
    // A pod may be observed on a node before the node itself; keep a ghost until the node shows up.
    if (!ni) this.nodes.set(state.nodeName, (ni = new NodeInfo(state.nodeName)));
    ni.addPod(state.info);
    this.podStates.set(state.info.key, state);
    if (state.info.hasAffinity) this.podsWithAffinity++;
    if (state.info.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity++;
  }

  private unaccount(state: PodState): void {
    this.podStates.delete(state.info.key);
    const ni = this.nodes.get(state.nodeName);
    if (ni?.removePod(state.info)) {
      if (state.info.hasAffinity) this.podsWithAffinity--;
      if (state.info.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity--;
    }
    if (ni && !ni.node && ni.pods.size === 0) this.nodes.delete(state.nodeName);
  }
}

function zoneOf(node: Node): string {
  const labels = node.metadata.labels ?? {};
  return `${labels[regionLabel] ?? ''}:\u0000:${labels[zoneLabel] ?? ''}`;
}

/** Round-robin over zones (in order of first appearance), nodes within a zone in insertion order. */
function interleaveZones(nodes: NodeInfo[]): NodeInfo[] {
  const byZone = new Map<string, NodeInfo[]>();
  for (const ni of nodes) {
    const zone = zoneOf(ni.node!);
    let list = byZone.get(zone);
    if (!list) byZone.set(zone, (list = []));
    list.push(ni);
  }
  if (byZone.size <= 1) return nodes;
  const zones = [...byZone.values()];
  const out: NodeInfo[] = [];
  for (let i = 0; out.length < nodes.length; i++) for (const list of zones) if (i < list.length) out.push(list[i]);
  return out;
}
