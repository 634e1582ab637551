import { certificatesigningrequests, type CertificateSigningRequest } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { subjectAccessReviewCheck, type RequestorAccessCheck } from './access-review';
import { reconcileCSRApproval } from './reconcile';

export const csrApprovingControllerName = 'csrapproving';

/** Auto-approves kubelet client certificate requests whose requesters RBAC allows; keys are CSR names. */
export class CSRApprovingController extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;
  private readonly mayCreate: RequestorAccessCheck;

  constructor(ctx: ControllerContext, mayCreate: RequestorAccessCheck = subjectAccessReviewCheck(ctx.client)) {
    super(csrApprovingControllerName, ctx);
    this.mayCreate = mayCreate;
    this.csrs = ctx.informers.forResource<CertificateSigningRequest>(certificatesigningrequests);
    this.csrs.addEventHandler({
      onAdd: (csr) => this.enqueue(csr.metadata.name!),
      onUpdate: (_old, csr) => this.enqueue(csr.metadata.name!),
    });
  }

  reconcile(key: string): Promise<void> {
    return reconcileCSRApproval(key, { client: this.ctx.client, csrs: this.csrs.lister, mayCreate: this.mayCreate, clock: this.ctx.clock, logger: this.ctx.logger });
  }
}

export const csrApprovingControllerFactory: ControllerFactory = (ctx) => new CSRApprovingController(ctx);
