import path from 'node:path';
import { ensureClusterPki, writeKubeconfig, type ClusterCertificateName, type ClusterPki } from '@skiff/pki';
import type { ClusterPaths } from './cluster-paths';
import { gatewayOf, type ClusterSettings } from './cluster-settings';

/** Who talks to the apiserver. Each has its own kubeconfig with its own client certificate. */
export type ClusterClient = 'admin' | 'scheduler' | 'controller-manager' | 'kubelet' | 'proxy';

/** How the cluster's clients reach the apiserver, and what the apiserver needs to serve them. */
export interface ClusterAccess {
  apiServerUrl: string;
  kubeconfig(who: ClusterClient): string;
  /** Flags for the apiserver beyond etcd and the bind address: the secure port, its certificates and authorization. */
  apiserverArgs: string[];
  /** The cluster CA's certificate, which verifies the apiserver and signs every client certificate. */
  caCertFile: string;
  /** The node's InternalIP: the advertised address, else loopback. */
  nodeIP: string;
}

/** The certificate in the cluster PKI that each client authenticates with. */
const clientCertificates: Record<ClusterClient, ClusterCertificateName> = {
  admin: 'admin',
  scheduler: 'kube-scheduler',
  'controller-manager': 'kube-controller-manager',
  kubelet: 'kubelet-client',
  proxy: 'kube-proxy',
};

/** The kubeconfig user entries are named after the Kubernetes user each client authenticates as. */
const userNames: Record<ClusterClient, (settings: ClusterSettings) => string> = {
  admin: () => 'kubernetes-admin',
  scheduler: () => 'system:kube-scheduler',
  'controller-manager': () => 'system:kube-controller-manager',
  kubelet: (s) => `system:node:${s.nodeName}`,
  proxy: () => 'system:kube-proxy',
};

/**
 * Where pods reach the apiserver (the endpoint of the `kubernetes` Service): the advertised address when there is
 * one, else the gateway of the node's pod bridge — an address of this host that exists once the first pod runs, so
 * in-cluster clients work on a one-machine cluster without the API being advertised on the host's own network.
 */
export function apiserverAdvertiseAddress(settings: ClusterSettings): string {
  return settings.advertiseAddress ?? gatewayOf(settings.podCIDR);
}

/**
 * Makes (or reuses) the cluster PKI in DIR/pki and writes the admin kubeconfig (DIR/admin.kubeconfig) and one per
 * component (DIR/kubeconfigs/), each verifying the apiserver with the cluster CA and carrying its client certificate.
 * The apiserver serves only HTTPS, with Node,RBAC authorization.
 */
export async function prepareClusterAccess(paths: ClusterPaths, settings: ClusterSettings): Promise<ClusterAccess> {
  const advertise = apiserverAdvertiseAddress(settings);
  const nodeIP = settings.advertiseAddress ?? '127.0.0.1';
  const pki: ClusterPki = await ensureClusterPki(path.join(paths.dir, 'pki'), {
    nodeName: settings.nodeName,
    nodeIPs: settings.advertiseAddress ? [settings.advertiseAddress] : [],
    apiserverIPs: [advertise],
  });
  const apiServerUrl = `https://127.0.0.1:${settings.apiPort}`;
  const file = (who: ClusterClient) => (who === 'admin' ? paths.adminKubeconfig : path.join(paths.kubeconfigDir, `${who}.kubeconfig`));
  for (const who of Object.keys(clientCertificates) as ClusterClient[]) {
    const cert = pki.certificates[clientCertificates[who]];
    writeKubeconfig(file(who), {
      server: apiServerUrl,
      caPem: pki.ca.certPem,
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      user: userNames[who](settings),
      cluster: 'skiff',
      namespace: 'default',
    });
  }
  const serving = pki.certificates.apiserver;
  return {
    apiServerUrl,
    kubeconfig: file,
    caCertFile: pki.caCertFile,
    nodeIP,
    apiserverArgs: [
      // Every address: pods reach it through the kubernetes Service, nodes on the advertised address.
      '--bind-address=0.0.0.0',
      `--advertise-address=${advertise}`,
      `--secure-port=${settings.apiPort}`,
      `--tls-cert-file=${serving.certFile}`,
      `--tls-private-key-file=${serving.keyFile}`,
      `--client-ca-file=${pki.caCertFile}`,
      '--authorization-mode=Node,RBAC',
    ],
  };
}
