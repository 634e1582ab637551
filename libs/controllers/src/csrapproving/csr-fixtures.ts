import { type CertificateSigningRequest, kubeAPIServerClientKubeletSignerName } from '@skiff/api';
import { createCertificateRequest, type CertificateRequestSubject } from '@skiff/pki';

/** A CertificateSigningRequest object (for controller tests) around a fresh PKCS#10 request for `subject`. */
export async function csrFor(
  name: string,
  subject: CertificateRequestSubject,
  spec: Partial<CertificateSigningRequest['spec']> = {},
  status?: CertificateSigningRequest['status'],
): Promise<CertificateSigningRequest & { keyPem: string }> {
  const { csrPem, keyPem } = await createCertificateRequest(subject);
  const csr: CertificateSigningRequest = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name, uid: `uid-${name}`, creationTimestamp: '2024-05-01T09:59:00Z' },
    spec: {
      request: Buffer.from(csrPem).toString('base64'),
      signerName: kubeAPIServerClientKubeletSignerName,
      usages: ['digital signature', 'client auth'],
      username: 'system:bootstrap:abcdef',
      groups: ['system:bootstrappers', 'system:authenticated'],
      ...spec,
    },
    ...(status ? { status } : {}),
  };
  // The key travels beside the object only for tests that check the issued certificate against it.
  return Object.defineProperty(csr, 'keyPem', { value: keyPem, enumerable: false }) as CertificateSigningRequest & { keyPem: string };
}

export const nodeSubject = (node: string): CertificateRequestSubject => ({ commonName: `system:node:${node}`, organizations: ['system:nodes'] });
export const approved = { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] };
