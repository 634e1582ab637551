import { configmaps, type ConfigMap, type Namespace } from '@skiff/api';
import { ApiError, isAlreadyExists, isNotFound, type KubeClient, type Lister } from '@skiff/client';

/** Kubernetes' names: pods mount this ConfigMap (projected into their service-account volume) to trust the apiserver. */
export const rootCAConfigMapName = 'kube-root-ca.crt';
export const rootCAKey = 'ca.crt';
export const descriptionAnnotation = 'kubernetes.io/description';
export const rootCADescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCAPublisherDeps {
  client: KubeClient;
  namespaces: Lister<Namespace>;
  configMaps: Lister<ConfigMap>;
  /** The PEM bundle every namespace gets. */
  rootCA: string;
}

function isTerminating(ns: Namespace): boolean {
  return Boolean(ns.metadata.deletionTimestamp) || ns.status?.phase === 'Terminating';
}

/** NamespaceLifecycle's refusal; other 403s (RBAC) are real failures worth retrying and logging. */
function refusedAsTerminating(e: unknown): boolean {
  return e instanceof ApiError && e.code === 403 && e.message.includes('being terminated');
}

/** Keys are namespace names: each active namespace holds `kube-root-ca.crt` with exactly the root CA as its data. */
export async function reconcileRootCAConfigMap(namespaceName: string, deps: RootCAPublisherDeps): Promise<void> {
  const ns = deps.namespaces.get(undefined, namespaceName);
  if (!ns || isTerminating(ns)) return;
  const data = { [rootCAKey]: deps.rootCA };
  const existing = deps.configMaps.get(namespaceName, rootCAConfigMapName);
  if (!existing) {
    try {
      await deps.client.create<ConfigMap>(configmaps, namespaceName, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: rootCAConfigMapName, namespace: namespaceName, annotations: { [descriptionAnnotation]: rootCADescription } },
        data,
      });
    } catch (e) {
      // The cache lagged (it exists: the informer brings it and its update event enqueues us again), or the
      // namespace went away or began terminating since the cache saw it: nothing to retry.
      if (isAlreadyExists(e) || isNotFound(e) || refusedAsTerminating(e)) return;
      throw e;
    }
    return;
  }
  const dataMatches = JSON.stringify(existing.data ?? {}) === JSON.stringify(data);
  if (dataMatches && existing.metadata.annotations?.[descriptionAnnotation]) return;
  // Only data and the description are ours; other keys of metadata stay as their owners left them.
  // A conflicting write since the cache saw it fails with 409 and the queue retries with a fresh copy.
  await deps.client.update<ConfigMap>(configmaps, {
    ...existing,
    metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, [descriptionAnnotation]: rootCADescription } },
    data,
  });
}
