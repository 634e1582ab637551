import { namespaces, type Namespace } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { reconcileNamespace } from './reconcile';

/** How long to wait before looking again at a namespace whose content is still going (finalizers, grace periods). */
export const namespaceRecheckMs = 5_000;

/** Empties Terminating namespaces and finalizes them; keys are namespace names. */
export class NamespaceController extends QueueController {
  private readonly namespaces: Informer<Namespace>;

  constructor(ctx: ControllerContext) {
    super('namespace', ctx);
    this.namespaces = ctx.informers.forResource<Namespace>(namespaces);
    this.namespaces.addEventHandler({
      onAdd: (ns) => {
        if (ns.metadata.deletionTimestamp) this.enqueue(ns.metadata.name!);
      },
      onUpdate: (_old, ns) => {
        if (ns.metadata.deletionTimestamp) this.enqueue(ns.metadata.name!);
      },
    });
  }

  async reconcile(key: string): Promise<void> {
    const result = await reconcileNamespace(key, { client: this.ctx.client, namespaces: this.namespaces.lister, clock: this.ctx.clock });
    if (!result.done) {
      this.ctx.logger.debug('namespace content remaining', { namespace: key, waitingFor: result.waitingFor });
      this.queue.addAfter(key, namespaceRecheckMs);
    }
  }
}

export const namespaceControllerFactory: ControllerFactory = (ctx) => new NamespaceController(ctx);
