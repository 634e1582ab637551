import { nodes, type Node } from '@skiff/api';
import { isNotFound, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import type { CidrAllocator } from './cidr-allocator';

export interface NodeIpamDeps {
  client: KubeClient;
  nodes: Lister<Node>;
  recorder: EventRecorder;
  allocator: CidrAllocator;
}

/** Thrown when every block is taken, so the node is retried with backoff until one is released. */
export class CidrRangeExhaustedError extends Error {}

/** Gives a node without spec.podCIDR the first free block; a deleted node's block goes back to the pool. */
export async function reconcileNodeCidr(name: string, deps: NodeIpamDeps): Promise<void> {
  const node = deps.nodes.get(undefined, name);
  if (!node) {
    deps.allocator.release(name);
    return;
  }
  const existing = node.spec?.podCIDRs?.[0] ?? node.spec?.podCIDR;
  if (existing) {
    deps.allocator.occupy(name, existing);
    return;
  }
  const cidr = deps.allocator.allocate(name);
  if (!cidr) {
    deps.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
    throw new CidrRangeExhaustedError(`no remaining CIDR blocks for node ${name}`);
  }
  try {
    await deps.client.patch(nodes, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    deps.recorder.event(node, 'Normal', 'CIDRAssigned', `Node ${name} was assigned pod CIDR ${cidr}`);
  } catch (e) {
    deps.allocator.release(name);
    if (!isNotFound(e)) throw e;
  }
}
