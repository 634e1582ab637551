import { certificatesigningrequests, type CertificateSigningRequest } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ClusterCA } from '@skiff/pki';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { reconcileCSRSigning } from './reconcile';

export const csrSigningControllerName = 'csrsigning';

/** Signs approved requests for the kubelet client, kube-apiserver client and kubelet serving signers with the cluster CA. */
export class CSRSigningController extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;
  private readonly ca: ClusterCA;

  constructor(ctx: ControllerContext) {
    super(csrSigningControllerName, ctx);
    if (!ctx.options.signingCA) throw new Error(`${csrSigningControllerName} needs the cluster CA (--cluster-signing-cert-file and --cluster-signing-key-file)`);
    this.ca = ctx.options.signingCA;
    this.csrs = ctx.informers.forResource<CertificateSigningRequest>(certificatesigningrequests);
    this.csrs.addEventHandler({
      onAdd: (csr) => this.enqueue(csr.metadata.name!),
      onUpdate: (_old, csr) => this.enqueue(csr.metadata.name!),
    });
  }

  reconcile(key: string): Promise<void> {
    return reconcileCSRSigning(key, { client: this.ctx.client, csrs: this.csrs.lister, ca: this.ca, maxDurationMs: this.ctx.options.clusterSigningDurationMs, clock: this.ctx.clock });
  }
}

export const csrSigningControllerFactory: ControllerFactory = (ctx) => new CSRSigningController(ctx);
