import type { NodeInfo } from '../../cache/node-info';
import { termMatches, type AffinityTerm, type PodInfo } from '../../cache/pod-info';
import type { SchedulerCache } from '../../cache/scheduler-cache';
import type { StateData } from '../../framework/cycle-state';
import { maxNodeScore, type NodeScore } from '../../framework/plugin';
import type { NamespaceLabels } from './topology-counts';

/** Kubernetes' default weight for an existing pod's required affinity that the incoming pod satisfies. */
export const hardPodAffinityWeight = 1;

/** Score per topology key and value, summed for a node over the keys it carries. */
export class AffinityScoreState implements StateData {
  readonly topologyScore = new Map<string, Map<string, number>>();

  clone(): StateData {
    return this;
  }

  add(term: AffinityTerm, weight: number, target: PodInfo, node: NodeInfo, ns: NamespaceLabels): void {
    const value = node.labels[term.topologyKey];
    if (value === undefined || !termMatches(term, target, ns)) return;
    let byValue = this.topologyScore.get(term.topologyKey);
    if (!byValue) this.topologyScore.set(term.topologyKey, (byValue = new Map()));
    byValue.set(value, (byValue.get(value) ?? 0) + weight);
  }
}

/**
 * Preferred (anti-)affinity of the incoming pod toward existing pods, plus the symmetric part: existing pods'
 * required affinity (at hardPodAffinityWeight) and preferred (anti-)affinity toward the incoming pod.
 */
export function buildAffinityScoreState(pod: PodInfo, cache: SchedulerCache, ns: NamespaceLabels): AffinityScoreState | undefined {
  const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
  if (!hasPreferred && !cache.hasPodsWithAffinity()) return undefined;
  const s = new AffinityScoreState();
  // Without preferences of its own, only nodes with pods that have affinity can contribute.
  const nodes = hasPreferred ? cache.nodeInfos() : cache.nodesWithAffinityPods();
  for (const node of nodes) {
    const existingPods = hasPreferred ? node.pods.values() : node.podsWithAffinity.values();
    for (const existing of existingPods) {
      for (const t of pod.preferredAffinityTerms) s.add(t, t.weight, existing, node, ns);
      for (const t of pod.preferredAntiAffinityTerms) s.add(t, -t.weight, existing, node, ns);
      for (const t of existing.requiredAffinityTerms) s.add(t, hardPodAffinityWeight, pod, node, ns);
      for (const t of existing.preferredAffinityTerms) s.add(t, t.weight, pod, node, ns);
      for (const t of existing.preferredAntiAffinityTerms) s.add(t, -t.weight, pod, node, ns);
    }
  }
  return s.topologyScore.size ? s : undefined;
}

export function scoreAffinity(s: AffinityScoreState, node: NodeInfo): number {
  let score = 0;
  for (const [key, byValue] of s.topologyScore) {
    const value = node.labels[key];
    if (value !== undefined) score += byValue.get(value) ?? 0;
  }
  return score;
}

/** (score - min) / (max - min) scaled to 0..100; all equal gives 0. */
export function normalizeAffinity(scores: NodeScore[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const x of scores) {
    if (x.score < min) min = x.score;
    if (x.score > max) max = x.score;
  }
  const diff = max - min;
  for (const x of scores) x.score = diff > 0 ? Math.trunc((maxNodeScore * (x.score - min)) / diff) : 0;
}
