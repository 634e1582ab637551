import { labelSelectorFromObject, type LabelSelectorMatcher, type Pod, type TopologySpreadConstraint } from '@skiff/api';
import type { NodeInfo } from '../../cache/node-info';
import { withLabelKeys, type PodInfo } from '../../cache/pod-info';
import type { RequiredNodeAffinity } from '../node-selector';
import { firstUntoleratedTaint } from '../tolerations';

export const hostnameLabel = 'kubernetes.io/hostname';

/** A topology spread constraint with its selector parsed (matchLabelKeys folded in) and defaults applied. */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelectorMatcher;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

export function spreadConstraints(pod: Pod, action: TopologySpreadConstraint['whenUnsatisfiable']): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of pod.spec.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== action) continue;
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: withLabelKeys(labelSelectorFromObject(c.labelSelector), pod, c.matchLabelKeys, undefined, !!c.labelSelector),
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorNodeTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

export function nodeHasAllTopologyKeys(node: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!(c.topologyKey in node.labels)) return false;
  return true;
}

/** nodeAffinityPolicy / nodeTaintsPolicy: whether this node's pods count toward the constraint's domains. */
export function nodeIncluded(c: SpreadConstraint, pod: PodInfo, node: NodeInfo, required: RequiredNodeAffinity): boolean {
  if (c.honorNodeAffinity && !required.matches(node)) return false;
  if (c.honorNodeTaints && firstUntoleratedTaint(node.taints, pod.tolerations, ['NoSchedule', 'NoExecute'])) return false;
  return true;
}

/** Pods on the node in the namespace that the selector picks; terminating pods do not count. */
export function countMatchingPods(node: NodeInfo, selector: LabelSelectorMatcher, namespace: string): number {
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.terminating || p.namespace !== namespace) continue;
    if (selector.matches(p.labels)) n++;
  }
  return n;
}

export function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
