import { nodes, type Node } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { CidrAllocator } from './cidr-allocator';
import { reconcileNodeCidr } from './reconcile';

/** Allocates each node a pod CIDR out of options.clusterCIDR; keys are node names. */
export class NodeIpamController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly allocator: CidrAllocator;
  private rebuilt = false;

  constructor(ctx: ControllerContext) {
    super('nodeipam', ctx);
    this.allocator = new CidrAllocator(ctx.options.clusterCIDR, ctx.options.nodeCIDRMaskSize);
    this.nodes = ctx.informers.forResource<Node>(nodes);
    this.nodes.addEventHandler({
      onAdd: (n) => this.enqueue(n.metadata.name!),
      onUpdate: (_o, n) => this.enqueue(n.metadata.name!),
      onDelete: (n) => this.enqueue(n.metadata.name!),
    });
  }

  reconcile(key: string): Promise<void> {
    // Before handing anything out, every block the synced cache shows in use is taken, so no two nodes share one.
    if (!this.rebuilt) {
      for (const n of this.nodes.lister.list()) {
        const cidr = n.spec?.podCIDRs?.[0] ?? n.spec?.podCIDR;
        if (cidr) this.allocator.occupy(n.metadata.name!, cidr);
      }
      this.rebuilt = true;
    }
    return reconcileNodeCidr(key, { client: this.ctx.client, nodes: this.nodes.lister, recorder: this.ctx.recorder(this.name), allocator: this.allocator });
  }
}

export const nodeIpamControllerFactory: ControllerFactory = (ctx) => new NodeIpamController(ctx);
