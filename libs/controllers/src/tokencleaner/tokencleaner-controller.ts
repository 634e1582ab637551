import { secrets, type Secret } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { isBootstrapTokenSecret } from '../bootstraptoken/bootstrap-token-secret';
import { reconcileTokenExpiry } from './reconcile';

export const tokenCleanerControllerName = 'tokencleaner';

/** Deletes expired bootstrap tokens (kube-system Secrets of type bootstrap.kubernetes.io/token); keys are namespace/name. */
export class TokenCleaner extends QueueController {
  private readonly secrets: Informer<Secret>;

  constructor(ctx: ControllerContext) {
    super(tokenCleanerControllerName, ctx);
    this.secrets = ctx.informers.forResource<Secret>(secrets);
    const onToken = (secret: Secret) => {
      if (isBootstrapTokenSecret(secret)) this.enqueue(`${secret.metadata.namespace}/${secret.metadata.name}`);
    };
    this.secrets.addEventHandler({ onAdd: onToken, onUpdate: (_old, secret) => onToken(secret) });
  }

  reconcile(key: string): Promise<void> {
    return reconcileTokenExpiry(key, {
      client: this.ctx.client,
      secrets: this.secrets.lister,
      clock: this.ctx.clock,
      requeueAfter: (k, ms) => this.queue.addAfter(k, ms),
    });
  }
}

export const tokenCleanerFactory: ControllerFactory = (ctx) => new TokenCleaner(ctx);
