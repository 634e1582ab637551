import { configmaps, type ConfigMap } from '@skiff/api';
import { getIfExists, type KubeClient } from '@skiff/client';
import { clusterInfoKubeconfig, clusterInfoKubeconfigKey, clusterInfoName, clusterInfoNamespace } from '@skiff/pki';

/**
 * Publishes kube-public/cluster-info, as `kubeadm init` does: the apiserver address joining nodes use and the CA they
 * pin by its hash. Anonymous users may read it; the bootstrap signer adds a signature per token beside it. An existing
 * ConfigMap keeps those signatures; only its kubeconfig is replaced when the address or CA changed.
 */
export async function publishClusterInfo(client: KubeClient, info: { server: string; caPem: string }): Promise<'created' | 'updated' | 'unchanged'> {
  const kubeconfig = clusterInfoKubeconfig(info.server, info.caPem);
  const current = await getIfExists<ConfigMap>(client, configmaps, clusterInfoNamespace, clusterInfoName);
  if (!current) {
    await client.create(configmaps, clusterInfoNamespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: clusterInfoName, namespace: clusterInfoNamespace }, data: { [clusterInfoKubeconfigKey]: kubeconfig } });
    return 'created';
  }
  if (current.data?.[clusterInfoKubeconfigKey] === kubeconfig) return 'unchanged';
  await client.patch(configmaps, clusterInfoNamespace, clusterInfoName, 'merge', { data: { [clusterInfoKubeconfigKey]: kubeconfig } });
  return 'updated';
}
