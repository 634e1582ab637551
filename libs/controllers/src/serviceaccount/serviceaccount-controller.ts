import { namespaces, serviceaccounts, type Namespace, type ServiceAccount } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { defaultServiceAccountName, reconcileNamespaceServiceAccount } from './reconcile';

/** Keeps a `default` ServiceAccount in every namespace; keys are namespace names. */
export class ServiceAccountController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly serviceAccounts: Informer<ServiceAccount>;

  constructor(ctx: ControllerContext) {
    super('serviceaccount', ctx);
    this.namespaces = ctx.informers.forResource<Namespace>(namespaces);
    this.serviceAccounts = ctx.informers.forResource<ServiceAccount>(serviceaccounts);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns.metadata.name!),
      onUpdate: (_old, ns) => this.enqueue(ns.metadata.name!),
    });
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => {
        if (sa.metadata.name === defaultServiceAccountName) this.enqueue(sa.metadata.namespace!);
      },
    });
  }

  reconcile(key: string): Promise<void> {
    return reconcileNamespaceServiceAccount(key, { client: this.ctx.client, namespaces: this.namespaces.lister, serviceAccounts: this.serviceAccounts.lister });
  }
}

export const serviceAccountControllerFactory: ControllerFactory = (ctx) => new ServiceAccountController(ctx);
