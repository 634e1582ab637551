import { configmaps, secrets, type ConfigMap, type Secret } from '@skiff/api';
import type { Informer } from '@skiff/client';
import { clusterInfoName, clusterInfoNamespace } from '@skiff/pki';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { isBootstrapTokenSecret } from '../bootstraptoken/bootstrap-token-secret';
import { reconcileClusterInfoSignatures } from './reconcile';

export const bootstrapSignerControllerName = 'bootstrapsigner';
const clusterInfoKey = `${clusterInfoNamespace}/${clusterInfoName}`;

/**
 * Signs kube-public/cluster-info with every bootstrap token that may sign, so a node joining with a token can trust
 * the CA it read anonymously. One key: any change to the ConfigMap or to a token re-signs.
 */
export class BootstrapSigner extends QueueController {
  private readonly configMaps: Informer<ConfigMap>;
  private readonly secrets: Informer<Secret>;

  constructor(ctx: ControllerContext) {
    super(bootstrapSignerControllerName, ctx);
    this.configMaps = ctx.informers.forResource<ConfigMap>(configmaps);
    this.secrets = ctx.informers.forResource<Secret>(secrets);
    const onClusterInfo = (cm: ConfigMap) => {
      if (cm.metadata.namespace === clusterInfoNamespace && cm.metadata.name === clusterInfoName) this.enqueue(clusterInfoKey);
    };
    this.configMaps.addEventHandler({ onAdd: onClusterInfo, onUpdate: (_old, cm) => onClusterInfo(cm) });
    const onToken = (secret: Secret) => {
      if (isBootstrapTokenSecret(secret)) this.enqueue(clusterInfoKey);
    };
    this.secrets.addEventHandler({ onAdd: onToken, onUpdate: (_old, s) => onToken(s), onDelete: onToken });
  }

  reconcile(key: string): Promise<void> {
    return reconcileClusterInfoSignatures(key, {
      client: this.ctx.client,
      configMaps: this.configMaps.lister,
      secrets: this.secrets.lister,
      clock: this.ctx.clock,
      requeueAfter: (k, ms) => this.queue.addAfter(k, ms),
    });
  }
}

export const bootstrapSignerFactory: ControllerFactory = (ctx) => new BootstrapSigner(ctx);
