import type { Pod } from '@skiff/api';
import { isPodReady, podReadySince } from './pod-state';

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

function created(pod: Pod): number {
  return pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : Number.POSITIVE_INFINITY;
}

/**
 * Negative when `a` should be deleted before `b` (Kubernetes' ActivePodsWithRanks): unscheduled before scheduled,
 * pending before unknown before running, not ready before ready, more pods of the set on the same node first,
 * ready for less time first, more restarts first, newer first.
 */
export function compareForDeletion(a: Pod, b: Pod, colocated: (p: Pod) => number): number {
  const aNode = a.spec?.nodeName ?? '';
  const bNode = b.spec?.nodeName ?? '';
  if (!aNode !== !bNode) return aNode ? 1 : -1;
  const aPhase = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
  const bPhase = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  if (colocated(a) !== colocated(b)) return colocated(b) - colocated(a);
  if (isPodReady(a) && isPodReady(b)) {
    const aSince = podReadySince(a) ?? Number.POSITIVE_INFINITY;
    const bSince = podReadySince(b) ?? Number.POSITIVE_INFINITY;
    if (aSince !== bSince) return bSince - aSince;
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return created(b) - created(a);
}

/** The `count` pods to delete first; `related` are all active pods of the set (and its siblings) for the colocation rank. */
export function podsToDelete(candidates: Pod[], related: Pod[], count: number): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const colocated = (p: Pod) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...candidates].sort((a, b) => compareForDeletion(a, b, colocated)).slice(0, count);
}
