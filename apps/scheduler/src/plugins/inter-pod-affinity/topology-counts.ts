import type { NodeInfo } from '../../cache/node-info';
import { termMatches, type AffinityTerm, type PodInfo } from '../../cache/pod-info';

export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

/** Counts per topology pair (`key\0value`); a pair whose count drops to 0 is removed. */
export class TopologyCounts {
  readonly counts = new Map<string, number>();

  get size(): number {
    return this.counts.size;
  }

  get(key: string, value: string): number {
    return this.counts.get(`${key}\u0000${value}`) ?? 0;
  }

  /** Adds `delta` to the pair the node is in for `topologyKey`; nodes without that label do not count. */
  update(node: NodeInfo, topologyKey: string, delta: number): void {
    const value = node.labels[topologyKey];
    if (value === undefined) return;
    const pair = `${topologyKey}\u0000${value}`;
    const n = (this.counts.get(pair) ?? 0) + delta;
    if (n === 0) this.counts.delete(pair);
    else this.counts.set(pair, n);
  }

  /** Affinity: a pod counts only if it matches every term of the incoming pod; then every term's pair counts. */
  addAffinityMatches(terms: readonly AffinityTerm[], pod: PodInfo, node: NodeInfo, ns: NamespaceLabels, delta: number): void {
    if (terms.length === 0) return;
    for (const t of terms) if (!termMatches(t, pod, ns)) return;
    for (const t of terms) this.update(node, t.topologyKey, delta);
  }

  /** Anti-affinity: each term the pod matches counts on its own. */
  addAntiAffinityMatches(terms: readonly AffinityTerm[], pod: PodInfo, node: NodeInfo, ns: NamespaceLabels, delta: number): void {
    for (const t of terms) if (termMatches(t, pod, ns)) this.update(node, t.topologyKey, delta);
  }

  clone(): TopologyCounts {
    const copy = new TopologyCounts();
    for (const [k, v] of this.counts) copy.counts.set(k, v);
    return copy;
  }
}
