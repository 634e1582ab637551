import type { NodeInfo } from '../../cache/node-info';
import { termMatches, type PodInfo } from '../../cache/pod-info';
import type { SchedulerCache } from '../../cache/scheduler-cache';
import type { StateData } from '../../framework/cycle-state';
import { Status, type MaybeStatus } from '../../framework/status';
import { TopologyCounts, type NamespaceLabels } from './topology-counts';

export const reasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const reasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
export const reasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

/** Per topology pair: existing pods whose anti-affinity the incoming pod would violate, and matches of its own terms. */
export class AffinityFilterState implements StateData {
  constructor(
    readonly pod: PodInfo,
    readonly existingAntiAffinity: TopologyCounts,
    readonly affinity: TopologyCounts,
    readonly antiAffinity: TopologyCounts,
  ) {}

  clone(): AffinityFilterState {
    return new AffinityFilterState(this.pod, this.existingAntiAffinity.clone(), this.affinity.clone(), this.antiAffinity.clone());
  }
}

export function buildAffinityFilterState(pod: PodInfo, cache: SchedulerCache, ns: NamespaceLabels): AffinityFilterState | undefined {
  const hasOwnTerms = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
  if (!hasOwnTerms && !cache.hasPodsWithRequiredAntiAffinity()) return undefined;
  const existingAntiAffinity = new TopologyCounts();
  for (const node of cache.nodesWithRequiredAntiAffinityPods()) {
    for (const existing of node.podsWithRequiredAntiAffinity) existingAntiAffinity.addAntiAffinityMatches(existing.requiredAntiAffinityTerms, pod, node, ns, 1);
  }
  const affinity = new TopologyCounts();
  const antiAffinity = new TopologyCounts();
  if (hasOwnTerms) {
    for (const node of cache.nodeInfos()) {
      for (const existing of node.pods.values()) {
        affinity.addAffinityMatches(pod.requiredAffinityTerms, existing, node, ns, 1);
        antiAffinity.addAntiAffinityMatches(pod.requiredAntiAffinityTerms, existing, node, ns, 1);
      }
    }
  }
  return new AffinityFilterState(pod, existingAntiAffinity, affinity, antiAffinity);
}

export function updateAffinityState(s: AffinityFilterState, changed: PodInfo, node: NodeInfo, ns: NamespaceLabels, delta: 1 | -1): void {
  s.existingAntiAffinity.addAntiAffinityMatches(changed.requiredAntiAffinityTerms, s.pod, node, ns, delta);
  s.affinity.addAffinityMatches(s.pod.requiredAffinityTerms, changed, node, ns, delta);
  s.antiAffinity.addAntiAffinityMatches(s.pod.requiredAntiAffinityTerms, changed, node, ns, delta);
}

/**
 * Every required affinity term needs a matching pod in the node's domain, and the node must carry every term's
 * topology key. The exception is the first pod of a group that selects itself: when no pod anywhere matches and
 * the pod matches its own terms, any node with the keys will do.
 */
function satisfiesAffinity(s: AffinityFilterState, node: NodeInfo, ns: NamespaceLabels): boolean {
  let podsExist = true;
  for (const term of s.pod.requiredAffinityTerms) {
    const value = node.labels[term.topologyKey];
    if (value === undefined) return false;
    if (s.affinity.get(term.topologyKey, value) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return s.affinity.size === 0 && s.pod.requiredAffinityTerms.every((t) => termMatches(t, s.pod, ns));
}

function satisfiesAntiAffinity(s: AffinityFilterState, node: NodeInfo): boolean {
  if (s.antiAffinity.size === 0) return true;
  for (const term of s.pod.requiredAntiAffinityTerms) {
    const value = node.labels[term.topologyKey];
    if (value !== undefined && s.antiAffinity.get(term.topologyKey, value) > 0) return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(s: AffinityFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinity.size === 0) return true;
  for (const key in node.labels) if (s.existingAntiAffinity.get(key, node.labels[key]) > 0) return false;
  return true;
}

export function filterAffinity(s: AffinityFilterState, node: NodeInfo, ns: NamespaceLabels): MaybeStatus {
  if (!satisfiesAffinity(s, node, ns)) return Status.unresolvable(reasonAffinityRulesNotMatch);
  if (!satisfiesAntiAffinity(s, node)) return Status.unschedulable(reasonAntiAffinityRulesNotMatch);
  if (!satisfiesExistingAntiAffinity(s, node)) return Status.unschedulable(reasonExistingAntiAffinityRulesNotMatch);
  return null;
}
