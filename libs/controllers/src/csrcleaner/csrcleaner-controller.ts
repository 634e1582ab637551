import { certificatesigningrequests, type CertificateSigningRequest } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { reconcileCSRCleanup } from './reconcile';

export const csrCleanerControllerName = 'csrcleaner';

/** Deletes CertificateSigningRequests that are done with or abandoned, as Kubernetes' csrcleaner; keys are CSR names. */
export class CSRCleaner extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;

  constructor(ctx: ControllerContext) {
    super(csrCleanerControllerName, ctx);
    this.csrs = ctx.informers.forResource<CertificateSigningRequest>(certificatesigningrequests);
    this.csrs.addEventHandler({
      onAdd: (csr) => this.enqueue(csr.metadata.name!),
      onUpdate: (_old, csr) => this.enqueue(csr.metadata.name!),
    });
  }

  reconcile(key: string): Promise<void> {
    return reconcileCSRCleanup(key, { client: this.ctx.client, csrs: this.csrs.lister, clock: this.ctx.clock, requeueAfter: (k, ms) => this.queue.addAfter(k, ms) });
  }
}

export const csrCleanerFactory: ControllerFactory = (ctx) => new CSRCleaner(ctx);
