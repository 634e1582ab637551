import type { NodeInfo } from '../../cache/node-info';
import type { PodInfo } from '../../cache/pod-info';
import type { StateData } from '../../framework/cycle-state';
import { Status, type MaybeStatus } from '../../framework/status';
import { RequiredNodeAffinity } from '../node-selector';
import { countMatchingPods, nodeHasAllTopologyKeys, nodeIncluded, pairKey, spreadConstraints, type SpreadConstraint } from './constraints';

export const reasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const reasonNodeLabelNotMatch = `${reasonConstraintsNotMatch} (missing required label)`;

/**
 * For each DoNotSchedule constraint: matching pods per topology domain, the number of domains, and the smallest
 * count (the "global minimum" that skew is measured from).
 */
export class SpreadFilterState implements StateData {
  constructor(
    readonly constraints: SpreadConstraint[],
    readonly required: RequiredNodeAffinity,
    /** `key\0value` → matching pods in that domain. */
    readonly matchNum: Map<string, number>,
    /** topologyKey → number of domains. */
    readonly domains: Map<string, number>,
  ) {}

  /** Smallest count per topology key, worked out on first use and forgotten when a count changes. */
  private readonly minimums = new Map<string, number>();

  clone(): SpreadFilterState {
    return new SpreadFilterState(this.constraints, this.required, new Map(this.matchNum), this.domains);
  }

  /** The smallest count among the key's domains; 0 when there are fewer domains than minDomains. */
  minMatch(c: SpreadConstraint): number {
    if ((this.domains.get(c.topologyKey) ?? 0) < c.minDomains) return 0;
    let min = this.minimums.get(c.topologyKey);
    if (min === undefined) {
      min = Infinity;
      const prefix = `${c.topologyKey}\u0000`;
      for (const [pair, n] of this.matchNum) if (pair.startsWith(prefix) && n < min) min = n;
      if (min === Infinity) min = 0;
      this.minimums.set(c.topologyKey, min);
    }
    return min;
  }

  adjust(pair: string, topologyKey: string, delta: number): void {
    this.matchNum.set(pair, (this.matchNum.get(pair) ?? 0) + delta);
    this.minimums.delete(topologyKey);
  }
}

export function buildSpreadFilterState(pod: PodInfo, nodes: readonly NodeInfo[]): SpreadFilterState | undefined {
  const constraints = spreadConstraints(pod.pod, 'DoNotSchedule');
  if (constraints.length === 0) return undefined;
  const required = new RequiredNodeAffinity(pod.pod);
  const matchNum = new Map<string, number>();
  for (const node of nodes) {
    if (!nodeHasAllTopologyKeys(node, constraints)) continue;
    for (const c of constraints) {
      if (!nodeIncluded(c, pod, node, required)) continue;
      const pair = pairKey(c.topologyKey, node.labels[c.topologyKey]);
      matchNum.set(pair, (matchNum.get(pair) ?? 0) + countMatchingPods(node, c.selector, pod.namespace));
    }
  }
  const domains = new Map<string, number>();
  for (const pair of matchNum.keys()) {
    const key = pair.slice(0, pair.indexOf('\u0000'));
    domains.set(key, (domains.get(key) ?? 0) + 1);
  }
  return new SpreadFilterState(constraints, required, matchNum, domains);
}

/** existing matching pods in the node's domain + 1 if the pod matches itself - global minimum must be ≤ maxSkew. */
export function filterSpread(s: SpreadFilterState, pod: PodInfo, node: NodeInfo): MaybeStatus {
  for (const c of s.constraints) {
    const value = node.labels[c.topologyKey];
    if (value === undefined) return Status.unresolvable(reasonNodeLabelNotMatch);
    const self = c.selector.matches(pod.labels) ? 1 : 0;
    const skew = (s.matchNum.get(pairKey(c.topologyKey, value)) ?? 0) + self - s.minMatch(c);
    if (skew > c.maxSkew) return Status.unschedulable(reasonConstraintsNotMatch);
  }
  return null;
}

/** What-if: a pod added to (delta 1) or removed from (-1) a node changes its domain's count. */
export function updateSpreadState(s: SpreadFilterState, changed: PodInfo, preemptor: PodInfo, node: NodeInfo, delta: 1 | -1): void {
  if (changed.namespace !== preemptor.namespace || !nodeHasAllTopologyKeys(node, s.constraints)) return;
  for (const c of s.constraints) {
    if (!c.selector.matches(changed.labels) || !nodeIncluded(c, preemptor, node, s.required)) continue;
    s.adjust(pairKey(c.topologyKey, node.labels[c.topologyKey]), c.topologyKey, delta);
  }
}
