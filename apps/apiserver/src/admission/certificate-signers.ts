import { parseCertificateRequest, requestPem, type CertificateSigningRequest, type KObject } from '@skiff/api';
import type { Authorizer } from '@skiff/auth';
import { forbidden } from '../handlers/status-error';
import type { AdmissionPlugin, AdmissionRequest, UserInfo } from './admission';

const isCSR = (req: AdmissionRequest) => req.type.group === 'certificates.k8s.io' && req.type.resource === 'certificatesigningrequests';
const csrOf = (obj: KObject | undefined) => obj as (CertificateSigningRequest & KObject) | undefined;

/**
 * Whether `user` may `verb` (approve, sign) requests for `signerName`: the verb on certificates.k8s.io `signers`
 * named exactly, or named `<domain>/*` for every signer of the domain, as Kubernetes checks it.
 */
export function mayActForSigner(authorizer: Authorizer, user: UserInfo, verb: string, signerName: string): boolean {
  const names = [signerName];
  const slash = signerName.indexOf('/');
  if (slash > 0) names.push(`${signerName.slice(0, slash)}/*`);
  return names.some(
    (name) => authorizer.authorize({ user, verb, resourceRequest: true, apiGroup: 'certificates.k8s.io', resource: 'signers', name }).decision === 'Allow',
  );
}

/** CertificateApproval: an update through `approval` needs `approve` on the request's signer. */
export function certificateApprovalAdmission(authorizer: () => Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateApproval',
    validate(req) {
      if (!isCSR(req) || req.subresource !== 'approval' || req.operation !== 'UPDATE') return;
      const signerName = csrOf(req.object)?.spec?.signerName ?? '';
      if (!mayActForSigner(authorizer(), req.user, 'approve', signerName)) {
        throw forbidden(req.type, req.name, `user not permitted to approve requests with signerName "${signerName}"`);
      }
    },
  };
}

/** CertificateSigning: setting or changing status.certificate needs `sign` on the request's signer. */
export function certificateSigningAdmission(authorizer: () => Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateSigning',
    validate(req) {
      if (!isCSR(req) || req.subresource !== 'status' || req.operation !== 'UPDATE') return;
      const old = csrOf(req.oldObject);
      if ((csrOf(req.object)?.status?.certificate ?? '') === (old?.status?.certificate ?? '')) return;
      const signerName = old?.spec?.signerName ?? '';
      if (!mayActForSigner(authorizer(), req.user, 'sign', signerName)) {
        throw forbidden(req.type, req.name, `user not permitted to sign requests with signerName "${signerName}"`);
      }
    },
  };
}

/** CertificateSubjectRestriction: no request to the kube-apiserver-client signer may ask for group system:masters. */
export function certificateSubjectRestrictionAdmission(): AdmissionPlugin {
  return {
    name: 'CertificateSubjectRestriction',
    validate(req) {
      if (!isCSR(req) || req.subresource || req.operation !== 'CREATE') return;
      const csr = csrOf(req.object);
      if (csr?.spec?.signerName !== 'kubernetes.io/kube-apiserver-client') return;
      let organizations: string[];
      try {
        organizations = parseCertificateRequest(requestPem(csr)).organizations;
      } catch (e) {
        throw forbidden(req.type, req.name, `failed to parse CSR: ${(e as Error).message}`);
      }
      if (organizations.includes('system:masters')) {
        throw forbidden(req.type, req.name, `use of ${csr.spec.signerName} signer with system:masters group is not allowed`);
      }
    },
  };
}
