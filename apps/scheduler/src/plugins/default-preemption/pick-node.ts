import type { PodInfo } from '../../cache/pod-info';

export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: PodInfo[];
  budgetViolations: number;
}

/** Higher priority first, then the one that started earlier (it has run longer). */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startTime(a) - startTime(b);
}

/** When the pod started; before a kubelet reports it, when it was created. */
export function startTime(p: PodInfo): number {
  const t = p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

const int32Max = 2 ** 31 - 1;

/**
 * Kubernetes' pickOneNodeForPreemption: a node needing no victims wins at once; otherwise, in turn, fewest budget
 * violations, lowest highest-victim priority, smallest sum of victim priorities, fewest victims, and the latest
 * start among the highest-priority victims (disturb the newest work); then the first remaining.
 */
export function pickCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const empty = candidates.find((c) => c.victims.length === 0);
  if (empty) return empty;
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.budgetViolations,
    (c) => -c.victims[0].priority,
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + int32Max + 1, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfHighestPriority(c.victims),
  ];
  let remaining = [...candidates];
  for (const score of criteria) {
    if (remaining.length === 1) break;
    const best = Math.max(...remaining.map(score));
    remaining = remaining.filter((c) => score(c) === best);
  }
  return remaining[0];
}

function earliestStartOfHighestPriority(victims: readonly PodInfo[]): number {
  const top = victims[0].priority;
  return Math.min(...victims.filter((v) => v.priority === top).map(startTime));
}
