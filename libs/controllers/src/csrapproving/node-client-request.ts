import { kubeAPIServerClientKubeletSignerName, type CertificateSigningRequest, type ParsedCertificateRequest } from '@skiff/api';

export const nodeUserPrefix = 'system:node:';
export const nodesGroup = 'system:nodes';

/** Usage sets Kubernetes accepts for a kubelet client certificate: with or without key encipherment (RSA or not). */
const kubeletClientUsages = [['client auth', 'digital signature', 'key encipherment'], ['client auth', 'digital signature']].map((u) => u.join(','));

const usageSet = (usages: readonly string[] | undefined) => [...new Set(usages ?? [])].sort().join(',');

/**
 * Why a request is not a kubelet client certificate (O=system:nodes only, CN=system:node:<name>, no alternative names,
 * digital signature [+ key encipherment] + client auth), or undefined when it is. Messages are Kubernetes'.
 */
export function kubeletClientProblem(req: ParsedCertificateRequest, usages: readonly string[] | undefined): string | undefined {
  if (req.organizations.length !== 1 || req.organizations[0] !== nodesGroup) return 'subject organization is not system:nodes';
  if (req.dnsNames.length) return 'DNS subjectAltNames are not allowed';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.ipAddresses.length) return 'IP subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith(nodeUserPrefix)) return 'subject common name does not begin with system:node:';
  if (!kubeletClientUsages.includes(usageSet(usages))) return 'usages did not match [client auth digital signature key encipherment]';
  return undefined;
}

/** A node client request: for the kubelet client signer and shaped as a kubelet client certificate. */
export function isNodeClientRequest(csr: CertificateSigningRequest, req: ParsedCertificateRequest): boolean {
  return csr.spec.signerName === kubeAPIServerClientKubeletSignerName && kubeletClientProblem(req, csr.spec.usages) === undefined;
}

/** A renewal: a node client request made by the node it names. */
export function isSelfNodeClientRequest(csr: CertificateSigningRequest, req: ParsedCertificateRequest): boolean {
  return csr.spec.username === req.commonName && isNodeClientRequest(csr, req);
}

/** Why a request is not a kubelet serving certificate, or undefined when it is. */
export function kubeletServingProblem(req: ParsedCertificateRequest, usages: readonly string[] | undefined): string | undefined {
  if (req.organizations.length !== 1 || req.organizations[0] !== nodesGroup) return 'subject organization is not system:nodes';
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0) return 'DNS or IP subjectAltName is required';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  const set = usageSet(usages);
  if (set !== 'digital signature,key encipherment,server auth' && set !== 'digital signature,server auth') {
    return 'usages did not match [digital signature key encipherment server auth]';
  }
  if (!req.commonName.startsWith(nodeUserPrefix)) return 'subject common name does not begin with system:node:';
  return undefined;
}
