import { builtinScheme, type KObject } from '@skiff/api';
import type { Authorizer, RequestAttributes } from '@skiff/auth';
import { createCertificateRequest } from '@skiff/pki';
import { StatusError } from '../handlers/status-error';
import type { AdmissionPlugin, AdmissionRequest, UserInfo } from './admission';
import { certificateApprovalAdmission, certificateSigningAdmission, certificateSubjectRestrictionAdmission, mayActForSigner } from './certificate-signers';

const csrs = builtinScheme.forResource('certificates.k8s.io', 'v1', 'certificatesigningrequests')!;
const approver: UserInfo = { name: 'approver', groups: ['system:authenticated'] };
const nobody: UserInfo = { name: 'nobody', groups: ['system:authenticated'] };

/** approver may approve and sign for example.com/exact and for every kubernetes.io signer (`kubernetes.io/*`). */
const asked: RequestAttributes[] = [];
const authorizer: Authorizer = {
  authorize(a) {
    asked.push(a);
    const ok = a.user.name === 'approver' && a.resource === 'signers' && a.apiGroup === 'certificates.k8s.io' && ['example.com/exact', 'kubernetes.io/*'].includes(a.name ?? '');
    return { decision: ok ? 'Allow' : 'NoOpinion', reason: '' };
  },
};

const csr = (signerName: string, status: Record<string, unknown> = {}, request = ''): KObject => ({ metadata: { name: 'c' }, spec: { signerName, request, usages: ['client auth'] }, status });
const req = (user: UserInfo, operation: AdmissionRequest['operation'], subresource: string | undefined, object: KObject, oldObject?: KObject): AdmissionRequest => ({
  operation,
  type: csrs,
  subresource,
  name: 'c',
  object,
  oldObject,
  user,
  dryRun: false,
});

function verdict(plugin: AdmissionPlugin, r: AdmissionRequest): string | undefined {
  try {
    void plugin.validate!(r);
    return undefined;
  } catch (e) {
    expect((e as StatusError).code).toBe(403);
    return (e as StatusError).message;
  }
}

describe('mayActForSigner', () => {
  it('accepts the verb on the signer by name or on its whole domain', () => {
    expect(mayActForSigner(authorizer, approver, 'approve', 'example.com/exact')).toBe(true);
    expect(mayActForSigner(authorizer, approver, 'approve', 'kubernetes.io/kube-apiserver-client')).toBe(true);
    expect(mayActForSigner(authorizer, approver, 'approve', 'example.com/other')).toBe(false);
    expect(asked.at(-1)).toMatchObject({ verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'example.com/*' });
  });
});

describe('CertificateApproval', () => {
  const plugin = certificateApprovalAdmission(() => authorizer);
  it('lets an update through approval only with approve on the signer', () => {
    const approved = csr('example.com/exact', { conditions: [{ type: 'Approved', status: 'True' }] });
    expect(verdict(plugin, req(approver, 'UPDATE', 'approval', approved, csr('example.com/exact')))).toBeUndefined();
    expect(verdict(plugin, req(nobody, 'UPDATE', 'approval', approved, csr('example.com/exact')))).toBe(
      'certificatesigningrequests.certificates.k8s.io "c" is forbidden: user not permitted to approve requests with signerName "example.com/exact"',
    );
  });
  it('does not look at other writes', () => {
    expect(verdict(plugin, req(nobody, 'UPDATE', 'status', csr('example.com/exact'), csr('example.com/exact')))).toBeUndefined();
    expect(verdict(plugin, req(nobody, 'CREATE', undefined, csr('example.com/exact')))).toBeUndefined();
  });
});

describe('CertificateSigning', () => {
  const plugin = certificateSigningAdmission(() => authorizer);
  it('lets status set the certificate only with sign on the signer, and lets other status changes through', () => {
    const before = csr('example.com/other');
    expect(verdict(plugin, req(nobody, 'UPDATE', 'status', csr('example.com/other', { certificate: 'eA==' }), before))).toBe(
      'certificatesigningrequests.certificates.k8s.io "c" is forbidden: user not permitted to sign requests with signerName "example.com/other"',
    );
    expect(verdict(plugin, req(approver, 'UPDATE', 'status', csr('kubernetes.io/kubelet-serving', { certificate: 'eA==' }), csr('kubernetes.io/kubelet-serving')))).toBeUndefined();
    expect(verdict(plugin, req(nobody, 'UPDATE', 'status', csr('example.com/other', { conditions: [{ type: 'Failed', status: 'True' }] }), before))).toBeUndefined();
  });
});

describe('CertificateSubjectRestriction', () => {
  const plugin = certificateSubjectRestrictionAdmission();
  it('refuses kube-apiserver-client requests for system:masters, and nothing else', async () => {
    const masters = Buffer.from((await createCertificateRequest({ commonName: 'root', organizations: ['system:masters'] })).csrPem).toString('base64');
    const devs = Buffer.from((await createCertificateRequest({ commonName: 'alice', organizations: ['devs'] })).csrPem).toString('base64');
    expect(verdict(plugin, req(approver, 'CREATE', undefined, csr('kubernetes.io/kube-apiserver-client', {}, masters)))).toBe(
      'certificatesigningrequests.certificates.k8s.io "c" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
    );
    expect(verdict(plugin, req(approver, 'CREATE', undefined, csr('kubernetes.io/kube-apiserver-client', {}, devs)))).toBeUndefined();
    expect(verdict(plugin, req(approver, 'CREATE', undefined, csr('example.com/exact', {}, masters)))).toBeUndefined();
  });
});
