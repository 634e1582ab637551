import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { CycleState } from '../framework/cycle-state';
import { maxNodeScore, type FilterPlugin, type ScorePlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';

/** Each resource the pod asks for that the node has not got free; empty when it fits. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allocatable.allowedPodNumber) reasons.push('Too many pods');
  const want = pod.requests;
  const free = node.allocatable;
  const used = node.requested;
  if (want.milliCPU > 0 && want.milliCPU > free.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
  if (want.memory > 0 && want.memory > free.memory - used.memory) reasons.push('Insufficient memory');
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > free.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  if (want.scalar) {
    for (const [name, amount] of want.scalar) {
      if (amount > 0 && amount > free.scalarOf(name) - used.scalarOf(name)) reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons;
}

/** (capacity - requested) / capacity scaled to 0..100; a full or over-full resource scores 0. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

/**
 * Filter: the pod's requests (init containers, sidecars and overhead counted as Kubernetes counts them) must fit
 * in the node's allocatable minus what its pods already request, and the node must take one more pod.
 * Score (LeastAllocated, cpu and memory weighted equally): the emptier the node, the better.
 */
export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = pluginNames.nodeResourcesFit;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const reasons = insufficientResources(pod, node);
    return reasons.length ? Status.unschedulable(...reasons) : null;
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const alloc = node.allocatable;
    let total = 0;
    let weights = 0;
    if (alloc.milliCPU > 0) {
      total += leastRequestedScore(node.nonZeroCPU + pod.nonZeroCPU, alloc.milliCPU);
      weights++;
    }
    if (alloc.memory > 0) {
      total += leastRequestedScore(node.nonZeroMemory + pod.nonZeroMemory, alloc.memory);
      weights++;
    }
    return weights ? Math.trunc(total / weights) : 0;
  }

  eventsToRegister(): EventRegistration[] {
    return [
      { resource: 'Node', actions: ['Add', 'UpdateNodeAllocatable'] },
      { resource: 'AssignedPod', actions: ['Delete', 'UpdatePodRequest'] },
    ];
  }
}
