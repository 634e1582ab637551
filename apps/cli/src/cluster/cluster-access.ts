import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ClusterPaths } from './cluster-paths';
import type { ClusterSettings } from './cluster-settings';

/** Who talks to the apiserver. Each has its own kubeconfig, so each can get its own credentials. */
export type ClusterClient = 'admin' | 'scheduler' | 'controller-manager' | 'kubelet' | 'proxy';

/** How the cluster's clients reach the apiserver, and what the apiserver needs to serve them. */
export interface ClusterAccess {
  apiServerUrl: string;
  kubeconfig(who: ClusterClient): string;
  /** Flags for the apiserver beyond etcd and the port. */
  apiserverArgs: string[];
}

/** The user names the components will authenticate as, Kubernetes' own. */
const userNames: Record<ClusterClient, (settings: ClusterSettings) => string> = {
  admin: () => 'skiff-admin',
  scheduler: () => 'system:kube-scheduler',
  'controller-manager': () => 'system:kube-controller-manager',
  kubelet: (s) => `system:node:${s.nodeName}`,
  proxy: () => 'system:kube-proxy',
};

function kubeconfigText(server: string, user: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'skiff', cluster: { server } }],
    users: [{ name: user, user: {} }],
    contexts: [{ name: 'skiff', context: { cluster: 'skiff', user, namespace: 'default' } }],
    'current-context': 'skiff',
  });
}

function writeIfChanged(file: string, text: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // Not written yet.
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/**
 * Writes the admin kubeconfig (DIR/admin.kubeconfig) and one per component (DIR/kubeconfigs/). The apiserver serves
 * plain HTTP on loopback for now, so they carry no credentials; this is where a cluster CA, the apiserver's serving
 * certificate and each client's certificate will be made and written into these files.
 */
export function prepareClusterAccess(paths: ClusterPaths, settings: ClusterSettings): ClusterAccess {
  const apiServerUrl = `http://127.0.0.1:${settings.apiPort}`;
  const file = (who: ClusterClient) => (who === 'admin' ? paths.adminKubeconfig : path.join(paths.kubeconfigDir, `${who}.kubeconfig`));
  for (const who of Object.keys(userNames) as ClusterClient[]) {
    writeIfChanged(file(who), kubeconfigText(apiServerUrl, userNames[who](settings)));
  }
  return { apiServerUrl, kubeconfig: file, apiserverArgs: [] };
}
