import type { Pod, Taint, Toleration } from '@skiff/api';

export const unreachableTaintKey = 'node.kubernetes.io/unreachable';
export const notReadyTaintKey = 'node.kubernetes.io/not-ready';
export const unschedulableTaintKey = 'node.kubernetes.io/unschedulable';

/** NoSchedule taints for node conditions that are True, as Kubernetes' TaintNodesByCondition has them. */
export const conditionTaintKeys: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

/** The taint keys this controller owns; any other taint on a node is left as it is. */
export const managedTaintKeys = [unreachableTaintKey, notReadyTaintKey, unschedulableTaintKey, ...Object.values(conditionTaintKeys)];

/** Kubernetes' matching rule: an empty key with Exists tolerates everything; an empty effect tolerates every effect. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** What the taint manager decides for one pod on a node with NoExecute taints. */
export type EvictionVerdict = { kind: 'keep' } | { kind: 'evictNow' } | { kind: 'evictAt'; atMs: number };

/**
 * A pod that does not tolerate every NoExecute taint goes at once; one that does stays for the smallest
 * tolerationSeconds among the tolerations used, counted from the taint's timeAdded; without any it stays forever.
 */
export function evictionVerdict(pod: Pod, taints: Taint[], nowMs: number): EvictionVerdict {
  let deadline = Infinity;
  for (const taint of taints.filter((t) => t.effect === 'NoExecute')) {
    const used = (pod.spec?.tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (used.length === 0) return { kind: 'evictNow' };
    const addedMs = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    for (const t of used) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
      deadline = Math.min(deadline, addedMs + Math.max(0, t.tolerationSeconds) * 1000);
    }
  }
  if (deadline === Infinity) return { kind: 'keep' };
  return deadline <= nowMs ? { kind: 'evictNow' } : { kind: 'evictAt', atMs: deadline };
}
