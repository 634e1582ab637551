import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { CycleState } from '../framework/cycle-state';
import { maxNodeScore, type PreScorePlugin, type ScorePlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';

/**
 * 1 minus the standard deviation of the requested fractions (capped at 1), scaled to 0..100: for cpu and memory
 * that is 1 - |cpuFraction - memoryFraction| / 2.
 */
export function balancedScore(fractions: number[]): number {
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
  else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) * (f - mean), 0) / fractions.length);
  }
  return Math.trunc((1 - std) * maxNodeScore);
}

/**
 * Prefers nodes whose cpu and memory would be used in similar proportions after placing the pod (requests as
 * written, not the best-effort defaults). Best-effort pods skip it, so they do not pile up on one node.
 */
export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = pluginNames.balancedAllocation;

  preScore(_state: CycleState, pod: PodInfo): MaybeStatus {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? Status.skip() : null;
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const alloc = node.allocatable;
    const fractions: number[] = [];
    if (alloc.milliCPU > 0) fractions.push(Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / alloc.milliCPU));
    if (alloc.memory > 0) fractions.push(Math.min(1, (node.requested.memory + pod.requests.memory) / alloc.memory));
    return balancedScore(fractions);
  }

  eventsToRegister(): EventRegistration[] {
    return [];
  }
}
