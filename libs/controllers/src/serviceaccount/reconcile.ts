import { serviceaccounts, type Namespace, type ServiceAccount } from '@skiff/api';
import { ApiError, isAlreadyExists, type KubeClient, type Lister } from '@skiff/client';

export const defaultServiceAccountName = 'default';

export interface ServiceAccountDeps {
  client: KubeClient;
  namespaces: Lister<Namespace>;
  serviceAccounts: Lister<ServiceAccount>;
}

/** Every active namespace has a `default` ServiceAccount; a terminating one gets none (the apiserver would refuse). */
export async function reconcileNamespaceServiceAccount(namespaceName: string, deps: ServiceAccountDeps): Promise<void> {
  const ns = deps.namespaces.get(undefined, namespaceName);
  if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
  if (deps.serviceAccounts.get(namespaceName, defaultServiceAccountName)) return;
  try {
    await deps.client.create<ServiceAccount>(serviceaccounts, namespaceName, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: defaultServiceAccountName, namespace: namespaceName },
    });
  } catch (e) {
    // Already there (the cache lagged), or the namespace began terminating since the cache saw it.
    if (isAlreadyExists(e) || (e instanceof ApiError && e.code === 403)) return;
    throw e;
  }
}
