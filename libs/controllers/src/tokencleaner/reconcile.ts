import { secrets, type Secret } from '@skiff/api';
import { isNotFound, isConflict, type Clock, type KubeClient, type Lister } from '@skiff/client';
import { isBootstrapTokenSecret, tokenExpiration } from '../bootstraptoken/bootstrap-token-secret';

export interface TokenCleanerDeps {
  client: KubeClient;
  secrets: Lister<Secret>;
  clock: Clock;
  /** Looks at the key again after `ms`: when a live token will have expired. */
  requeueAfter(key: string, ms: number): void;
}

/**
 * Keys are `kube-system/<name>`. Deletes a bootstrap token Secret once its expiration has passed (with its uid as a
 * precondition, so a token recreated under the same name survives), and comes back at the expiration of one that
 * has not.
 */
export async function reconcileTokenExpiry(key: string, deps: TokenCleanerDeps): Promise<void> {
  const [namespace, name] = key.split('/');
  const secret = deps.secrets.get(namespace, name);
  if (!secret || !isBootstrapTokenSecret(secret)) return;
  const expiration = tokenExpiration(secret);
  if (!expiration) return;
  const left = expiration.getTime() - deps.clock.now();
  if (left > 0) {
    deps.requeueAfter(key, left);
    return;
  }
  try {
    await deps.client.delete(secrets, namespace, name, { preconditions: { uid: secret.metadata.uid } });
  } catch (e) {
    // Gone already, or replaced by a new Secret of the same name whose own event brings it back here.
    if (isNotFound(e) || isConflict(e)) return;
    throw e;
  }
}
