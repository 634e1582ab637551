import type { NodeInfo } from '../../cache/node-info';
import type { PodInfo } from '../../cache/pod-info';
import type { StateData } from '../../framework/cycle-state';
import { maxNodeScore, type NodeScore } from '../../framework/plugin';
import { RequiredNodeAffinity } from '../node-selector';
import { countMatchingPods, hostnameLabel, nodeHasAllTopologyKeys, nodeIncluded, spreadConstraints, type SpreadConstraint } from './constraints';

/** For each ScheduleAnyway constraint: matching pods per domain, and a weight that grows with the domain count. */
export class SpreadScoreState implements StateData {
  constructor(
    readonly constraints: SpreadConstraint[],
    /** Nodes lacking one of the topology keys: scored 0. */
    readonly ignored: Set<string>,
    /** Per constraint: topology value → matching pods (hostname counts are taken per node at Score). */
    readonly counts: Map<string, number>[],
    readonly weights: number[],
  ) {}

  clone(): StateData {
    return this;
  }
}

export function buildSpreadScoreState(pod: PodInfo, feasible: readonly NodeInfo[], allNodes: readonly NodeInfo[]): SpreadScoreState | undefined {
  const constraints = spreadConstraints(pod.pod, 'ScheduleAnyway');
  if (constraints.length === 0) return undefined;
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  const sizes = constraints.map(() => 0);
  for (const node of feasible) {
    if (!nodeHasAllTopologyKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === hostnameLabel) return;
      const value = node.labels[c.topologyKey];
      if (!counts[i].has(value)) {
        counts[i].set(value, 0);
        sizes[i]++;
      }
    });
  }
  // Pods on every node count, not just on the feasible ones, but only in domains a feasible node belongs to.
  const required = new RequiredNodeAffinity(pod.pod);
  for (const node of allNodes) {
    if (!nodeHasAllTopologyKeys(node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (c.topologyKey === hostnameLabel || !nodeIncluded(c, pod, node, required)) return;
      const value = node.labels[c.topologyKey];
      const sofar = counts[i].get(value);
      if (sofar === undefined) return;
      counts[i].set(value, sofar + countMatchingPods(node, c.selector, pod.namespace));
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameLabel ? feasible.length - ignored.size : sizes[i]) + 2));
  return new SpreadScoreState(constraints, ignored, counts, weights);
}

/** Raw score: the weighted count of matching pods in the node's domains (fewer is better, see normalise). */
export function scoreSpread(s: SpreadScoreState, pod: PodInfo, node: NodeInfo): number {
  if (s.ignored.has(node.name)) return 0;
  let score = 0;
  s.constraints.forEach((c, i) => {
    const value = node.labels[c.topologyKey];
    if (value === undefined) return;
    const count = c.topologyKey === hostnameLabel ? countMatchingPods(node, c.selector, pod.namespace) : s.counts[i].get(value) ?? 0;
    score += count * s.weights[i] + (c.maxSkew - 1);
  });
  return Math.round(score);
}

/** maxNodeScore × (max + min - score) / max: the least crowded domains score highest; ignored nodes 0. */
export function normalizeSpread(s: SpreadScoreState, scores: NodeScore[]): void {
  let min = Infinity;
  let max = 0;
  for (const x of scores) {
    if (s.ignored.has(x.node.name)) continue;
    if (x.score < min) min = x.score;
    if (x.score > max) max = x.score;
  }
  for (const x of scores) {
    if (s.ignored.has(x.node.name)) x.score = 0;
    else if (max === 0) x.score = maxNodeScore;
    else x.score = Math.trunc((maxNodeScore * (max + min - x.score)) / max);
  }
}
