import { Int, List, MapOf, Opt, Str, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { validateCertificateSigningRequest, validateCertificateSigningRequestUpdate, validateCertificateSigningRequestSubresourceUpdate } from './csr-validation';

export { keyUsages, type KeyUsage } from './key-usages';

/** The signers Kubernetes defines; kube-controller-manager signs the first three with the cluster CA. */
export const kubeAPIServerClientSignerName = 'kubernetes.io/kube-apiserver-client';
export const kubeAPIServerClientKubeletSignerName = 'kubernetes.io/kube-apiserver-client-kubelet';
export const kubeletServingSignerName = 'kubernetes.io/kubelet-serving';
export const legacyUnknownSignerName = 'kubernetes.io/legacy-unknown';


export const csrConditionTypes = { approved: 'Approved', denied: 'Denied', failed: 'Failed' } as const;

export const CertificateSigningRequestConditionSchema = Struct({
  type: Str(),
  status: Str(),
  reason: Opt(Str()),
  message: Opt(Str()),
  lastUpdateTime: Opt(Time()),
  lastTransitionTime: Opt(Time()),
});
export type CertificateSigningRequestCondition = Static<typeof CertificateSigningRequestConditionSchema>;

export const CertificateSigningRequestSpecSchema = Struct({
  /** Base64 of a PEM "CERTIFICATE REQUEST" block (PKCS#10). */
  request: Str({ contentEncoding: 'base64' }),
  signerName: Str(),
  expirationSeconds: Opt(Int()),
  usages: Opt(List(Str(), { 'x-kubernetes-list-type': 'atomic' })),
  /** Set by the apiserver from the requesting user; whatever a client sends is replaced. */
  username: Opt(Str()),
  uid: Opt(Str()),
  groups: Opt(List(Str(), { 'x-kubernetes-list-type': 'atomic' })),
  extra: Opt(MapOf(List(Str()))),
});
export type CertificateSigningRequestSpec = Static<typeof CertificateSigningRequestSpecSchema>;

export const CertificateSigningRequestStatusSchema = Struct({
  conditions: Opt(List(CertificateSigningRequestConditionSchema, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
  /** Base64 of the issued PEM certificate(s). */
  certificate: Opt(Str({ contentEncoding: 'base64', 'x-kubernetes-list-type': 'atomic' })),
});
export type CertificateSigningRequestStatus = Static<typeof CertificateSigningRequestStatusSchema>;

export const CertificateSigningRequestSchema = Struct({
  ...kindHeader(),
  spec: CertificateSigningRequestSpecSchema,
  status: Opt(CertificateSigningRequestStatusSchema),
});
export type CertificateSigningRequest = Static<typeof CertificateSigningRequestSchema>;

/** The condition of `type` whose status is True, if any. */
export function trueCondition(csr: CertificateSigningRequest, type: string): CertificateSigningRequestCondition | undefined {
  return csr.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

export const isApproved = (csr: CertificateSigningRequest) => !!trueCondition(csr, csrConditionTypes.approved) && !trueCondition(csr, csrConditionTypes.denied);
export const isDenied = (csr: CertificateSigningRequest) => !!trueCondition(csr, csrConditionTypes.denied);
export const hasFailed = (csr: CertificateSigningRequest) => !!trueCondition(csr, csrConditionTypes.failed);

/** The PEM text of spec.request (the field holds it base64-encoded). */
export function requestPem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.spec.request ?? '', 'base64').toString('utf8');
}

/** The PEM text of status.certificate, or '' while none is issued. */
export function issuedCertificatePem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.status?.certificate ?? '', 'base64').toString('utf8');
}

export const certificatesigningrequests = defineResource<CertificateSigningRequest>({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  resource: 'certificatesigningrequests',
  shortNames: ['csr'],
  namespaced: false,
  // Kubernetes does not care what requests are called, beyond being usable in a URL.
  nameRule: 'path-segment',
  schema: CertificateSigningRequestSchema,
  hasStatusSubresource: true,
  subresources: [
    { name: 'approval', verbs: ['get', 'patch', 'update'] },
    { name: 'status', verbs: ['get', 'patch', 'update'] },
  ],
  validate: validateCertificateSigningRequest,
  validateUpdate: validateCertificateSigningRequestUpdate,
  validateSubresourceUpdate: validateCertificateSigningRequestSubresourceUpdate,
});
