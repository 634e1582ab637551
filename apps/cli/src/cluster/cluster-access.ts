import fs from 'node:fs';
import path from 'node:path';
import { isIPv4 } from '@skiff/client';
import { ensureClusterPki, writeKubeconfig, type ClusterCertificateName, type ClusterPki } from '@skiff/pki';
import type { ClusterPaths } from './cluster-paths';
import { gatewayOf, type ClusterSettings } from './cluster-settings';

/** Who talks to the apiserver. Each has its own kubeconfig with its own client certificate. */
export type ClusterClient = 'admin' | 'scheduler' | 'controller-manager' | 'kubelet' | 'proxy';

/** What a node's kubelet and proxy authenticate with, and how the kubelet serves its API. */
export interface NodeAccess {
  apiServerUrl: string;
  kubeconfig(who: 'kubelet' | 'proxy'): string;
  /** The cluster CA's certificate. */
  caCertFile: string;
  /** The node's InternalIP. */
  nodeIP: string;
  /** The kubelet's API over TLS: its serving certificate, client certificates from the cluster CA, webhook authorization. */
  kubeletServingArgs: string[];
}

/** How the cluster's clients reach the apiserver, and what the apiserver needs to serve them. */
export interface ClusterAccess extends NodeAccess {
  kubeconfig(who: ClusterClient): string;
  /** Flags for the apiserver beyond etcd and where it listens: its certificates, authentication and authorization. */
  apiserverArgs: string[];
  /** The controller-manager's flags for the cluster CA: kube-root-ca.crt, and signing approved CSRs. */
  controllerManagerArgs: string[];
  /** What kube-public/cluster-info tells joining nodes: the apiserver's address for them, and the CA. */
  clusterInfo: { server: string; caPem: string };
  /** etcd's TLS: the flags each member serves clients and peers with, and the client certificate health checks use. */
  etcd: { memberArgs: string[]; healthcheckClient: { caPem: string; certPem: string; keyPem: string } };
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

/** The apiserver's address that kube-public/cluster-info gives joining nodes. */
export function clusterInfoServer(settings: ClusterSettings): string {
  return `https://${settings.controlPlaneEndpoint ?? `${settings.advertiseAddress ?? '127.0.0.1'}:${settings.apiPort}`}`;
}

/** The certificate etcd health checks (and membership changes) present, with etcd's CA, as they are on disk. */
export function readEtcdHealthcheckTls(paths: ClusterPaths): { caPem: string; certPem: string; keyPem: string } {
  const dir = path.join(paths.dir, 'pki', 'etcd');
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  return { caPem: read('ca.crt'), certPem: read('healthcheck-client.crt'), keyPem: read('healthcheck-client.key') };
}

/** The host of `--control-plane-endpoint`, which the apiserver's certificate must name. */
function endpointHost(settings: ClusterSettings): string | undefined {
  return settings.controlPlaneEndpoint ? new URL(`https://${settings.controlPlaneEndpoint}`).hostname.replace(/^\[|\]$/g, '') : undefined;
}

/**
 * Makes (or reuses) the cluster PKI in DIR/pki and writes the admin kubeconfig (DIR/admin.kubeconfig) and one per
 * component (DIR/kubeconfigs/), each verifying the apiserver with the cluster CA and carrying its client certificate.
 * The apiserver serves only HTTPS, with Node,RBAC authorization.
 */
export async function prepareClusterAccess(paths: ClusterPaths, settings: ClusterSettings): Promise<ClusterAccess> {
  const advertise = apiserverAdvertiseAddress(settings);
  const nodeIP = settings.advertiseAddress ?? '127.0.0.1';
  const endpoint = endpointHost(settings);
  const pki: ClusterPki = await ensureClusterPki(path.join(paths.dir, 'pki'), {
    nodeName: settings.nodeName,
    nodeIPs: settings.advertiseAddress ? [settings.advertiseAddress] : [],
    apiserverIPs: [advertise, ...(endpoint && isIPv4(endpoint) ? [endpoint] : [])],
    apiserverDnsNames: endpoint && !isIPv4(endpoint) ? [endpoint] : [],
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
  const kubeletClient = pki.certificates['apiserver-kubelet-client'];
  const kubeletServing = pki.certificates.kubelet;
  const etcd = pki.etcd.certificates;
  return {
    apiServerUrl,
    kubeconfig: file,
    caCertFile: pki.caCertFile,
    nodeIP,
    apiserverArgs: [
      `--advertise-address=${advertise}`,
      `--tls-cert-file=${serving.certFile}`,
      `--tls-private-key-file=${serving.keyFile}`,
      `--client-ca-file=${pki.caCertFile}`,
      '--authorization-mode=Node,RBAC',
      `--service-account-key-file=${pki.serviceAccountKey.publicKeyFile}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey.privateKeyFile}`,
      '--enable-bootstrap-token-auth',
      // Kubelets are reached with a client certificate they verify. Their serving certificates are not checked,
      // as with kubeadm: a joined node's kubelet serves a certificate of its own making.
      `--kubelet-client-certificate=${kubeletClient.certFile}`,
      `--kubelet-client-key=${kubeletClient.keyFile}`,
      // etcd lets in only certificates from its own CA.
      `--etcd-cafile=${pki.etcd.caCertFile}`,
      `--etcd-certfile=${etcd['apiserver-etcd-client'].certFile}`,
      `--etcd-keyfile=${etcd['apiserver-etcd-client'].keyFile}`,
    ],
    controllerManagerArgs: [
      `--root-ca-file=${pki.caCertFile}`,
      `--cluster-signing-cert-file=${pki.caCertFile}`,
      `--cluster-signing-key-file=${pki.caKeyFile}`,
      // Joining needs both: cluster-info signed with each token, and expired tokens gone.
      '--controllers=*,bootstrapsigner,tokencleaner',
    ],
    kubeletServingArgs: [
      `--tls-cert-file=${kubeletServing.certFile}`,
      `--tls-private-key-file=${kubeletServing.keyFile}`,
      `--client-ca-file=${pki.caCertFile}`,
      '--authorization-mode=Webhook',
    ],
    clusterInfo: { server: clusterInfoServer(settings), caPem: pki.ca.certPem },
    etcd: {
      // Clients and peers alike must show a certificate from etcd's CA: on a shared machine, the loopback port is
      // no barrier to another user.
      memberArgs: [
        '--client-cert-auth',
        `--trusted-ca-file=${pki.etcd.caCertFile}`,
        `--cert-file=${etcd['etcd/server'].certFile}`,
        `--key-file=${etcd['etcd/server'].keyFile}`,
        '--peer-client-cert-auth',
        `--peer-trusted-ca-file=${pki.etcd.caCertFile}`,
        `--peer-cert-file=${etcd['etcd/peer'].certFile}`,
        `--peer-key-file=${etcd['etcd/peer'].keyFile}`,
      ],
      healthcheckClient: { caPem: pki.etcd.ca.certPem, certPem: etcd['etcd/healthcheck-client'].certPem, keyPem: etcd['etcd/healthcheck-client'].keyPem },
    },
  };
}
