import path from 'node:path';
import type { BootstrapToken } from '@skiff/auth';
import { HttpKubeClient } from '@skiff/client';
import { checkCertificate, ClusterCA, publicFileMode, readIfExists, requestNodeClientCertificate, secretFileMode, writeFileAtomic, writeKubeconfig } from '@skiff/pki';
import type { NodeAccess } from './cluster-access';
import type { ClusterPaths } from './cluster-paths';

const dayMs = 86_400_000;

export interface NodeCredentialOptions {
  /** The apiserver as this node reaches it. */
  server: string;
  /** The cluster CA, as discovery established it. */
  caPem: string;
  nodeName: string;
  nodeIP: string;
  /** Needed only when the node has no valid client certificate yet. */
  token?: BootstrapToken;
  /** What to say while waiting for the certificate. */
  onWaiting?: (csrNote: string) => void;
}

/**
 * A joined node's credentials, kept in DIR/pki: the cluster CA; the kubelet's client certificate (`system:node:<name>`),
 * got once through a CertificateSigningRequest filed with the bootstrap token and reused while it is valid for another
 * 30 days; and the kubelet's serving certificate from a CA of the node's own, as a kubelet without a serving
 * certificate makes one (the apiserver does not verify kubelets). The kubelet and the proxy both act as the node.
 */
export async function prepareNodeCredentials(paths: ClusterPaths, opts: NodeCredentialOptions): Promise<NodeAccess> {
  const pki = path.join(paths.dir, 'pki');
  const caCertFile = path.join(pki, 'ca.crt');
  writeFileAtomic(caCertFile, opts.caPem, publicFileMode);

  const clientCertFile = path.join(pki, 'kubelet-client.crt');
  const clientKeyFile = path.join(pki, 'kubelet-client.key');
  let certPem = readIfExists(clientCertFile);
  let keyPem = readIfExists(clientKeyFile);
  const subject = { commonName: `system:node:${opts.nodeName}`, organizations: ['system:nodes'], purpose: 'clientAuth' as const };
  const usable = certPem !== undefined && keyPem !== undefined && checkCertificate(certPem, opts.caPem, { ...subject, keyPem, minRemainingMs: 30 * dayMs }).ok;
  if (!usable) {
    if (!opts.token) throw new Error(`no valid client certificate for node ${opts.nodeName} in ${pki}: give --token to get one`);
    const bootstrap = new HttpKubeClient({ server: opts.server, caData: opts.caPem, token: `${opts.token.id}.${opts.token.secret}`, namespace: 'default' }, { userAgent: 'skiff-join', requestTimeoutMs: 10_000 });
    try {
      opts.onWaiting?.(`asked for a client certificate for system:node:${opts.nodeName}; waiting for the cluster to approve and sign it`);
      const issued = await requestNodeClientCertificate(bootstrap, { nodeName: opts.nodeName, timeoutMs: 2 * 60_000 });
      certPem = issued.certPem;
      keyPem = issued.keyPem;
    } finally {
      bootstrap.close();
    }
    writeFileAtomic(clientKeyFile, keyPem, secretFileMode);
    writeFileAtomic(clientCertFile, certPem, publicFileMode);
  }

  const servingCertFile = path.join(pki, 'kubelet.crt');
  const servingKeyFile = path.join(pki, 'kubelet.key');
  const { ca: nodeCA } = await ClusterCA.loadOrCreate(path.join(pki, 'kubelet-ca'), { commonName: `${opts.nodeName}-ca` });
  const serving = { commonName: opts.nodeName, dnsNames: [opts.nodeName, 'localhost'], ipAddresses: [opts.nodeIP, '127.0.0.1'] };
  const servingCert = readIfExists(servingCertFile);
  const servingKey = readIfExists(servingKeyFile);
  if (servingCert === undefined || servingKey === undefined || !checkCertificate(servingCert, nodeCA.certPem, { ...serving, purpose: 'serverAuth', keyPem: servingKey, minRemainingMs: 30 * dayMs }).ok) {
    const issued = await nodeCA.issueServing(serving);
    writeFileAtomic(servingKeyFile, issued.keyPem, secretFileMode);
    writeFileAtomic(servingCertFile, issued.certPem, publicFileMode);
  }

  const kubeconfig = path.join(paths.kubeconfigDir, 'kubelet.kubeconfig');
  writeKubeconfig(kubeconfig, { server: opts.server, caPem: opts.caPem, certPem: certPem!, keyPem: keyPem!, user: `system:node:${opts.nodeName}`, cluster: 'skiff', namespace: 'default' });
  return {
    apiServerUrl: opts.server,
    kubeconfig: () => kubeconfig,
    caCertFile,
    nodeIP: opts.nodeIP,
    kubeletServingArgs: [`--tls-cert-file=${servingCertFile}`, `--tls-private-key-file=${servingKeyFile}`, `--client-ca-file=${caCertFile}`, '--authorization-mode=Webhook'],
  };
}
