import { readPemFlagFile } from '@skiff/pki';
import { nodeAddressTypes, type KubeletClientConfig } from '../handlers/kubelet-endpoint';

export interface KubeletClientFlags {
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  kubeletCertificateAuthority?: string;
  kubeletPreferredAddressTypes?: string;
}

/**
 * The apiserver's side of the kubelet API: with `--kubelet-client-certificate` and `--kubelet-client-key` it dials
 * kubelets over HTTPS with that certificate (user kube-apiserver-kubelet-client in Skiff's PKI), verifying them
 * against `--kubelet-certificate-authority` when given. Throws an Error whose message is the one line to print.
 */
export function kubeletClientFromFlags(f: KubeletClientFlags): KubeletClientConfig {
  const config: KubeletClientConfig = {};
  if (f.kubeletPreferredAddressTypes !== undefined) {
    const types = f.kubeletPreferredAddressTypes.split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = types.filter((t) => !(nodeAddressTypes as readonly string[]).includes(t));
    if (!types.length || unknown.length) throw new Error(`--kubelet-preferred-address-types: ${unknown.length ? `unknown type "${unknown[0]}"` : 'empty'} (types: ${nodeAddressTypes.join(', ')})`);
    config.preferredAddressTypes = types;
  }
  if ((f.kubeletClientCertificate === undefined) !== (f.kubeletClientKey === undefined)) throw new Error('--kubelet-client-certificate and --kubelet-client-key go together');
  if (f.kubeletClientCertificate === undefined) {
    if (f.kubeletCertificateAuthority !== undefined) throw new Error('--kubelet-certificate-authority needs --kubelet-client-certificate and --kubelet-client-key');
    return config;
  }
  config.tls = {
    certPem: readPemFlagFile(f.kubeletClientCertificate, '--kubelet-client-certificate'),
    keyPem: readPemFlagFile(f.kubeletClientKey!, '--kubelet-client-key'),
    ...(f.kubeletCertificateAuthority !== undefined ? { caPem: readPemFlagFile(f.kubeletCertificateAuthority, '--kubelet-certificate-authority') } : {}),
  };
  return config;
}
