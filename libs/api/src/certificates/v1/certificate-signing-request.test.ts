import 'reflect-metadata';
import * as crypto from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { schemaErrors } from '../../schema/schema-errors';
import { certificateSigningRequestCondition, certificateSigningRequestPrinter } from '../../table/certificate-printers';
import { parseCertificateRequest } from './certificate-request-pem';
import { certificatesigningrequests, type CertificateSigningRequest } from './certificate-signing-request';

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

async function requestPem(name: x509.JsonName, sans: { type: 'dns' | 'ip'; value: string }[] = []): Promise<string> {
  const keys = await crypto.webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys: keys as never,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : [],
  });
  return csr.toString('pem');
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
let nodePem: string;
let servingPem: string;

beforeAll(async () => {
  nodePem = await requestPem([{ O: ['system:nodes'] }, { CN: ['system:node:n1'] }]);
  servingPem = await requestPem([{ CN: ['web'] }], [{ type: 'dns', value: 'web.example' }, { type: 'ip', value: '10.1.2.3' }]);
});

const csr = (extra: Partial<CertificateSigningRequest['spec']> = {}, status?: CertificateSigningRequest['status']): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'node-csr-1' },
  spec: { request: b64(nodePem), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...extra },
  ...(status ? { status } : {}),
});
const fields = (errs: { field: string }[]) => errs.map((e) => e.field);

describe('CertificateSigningRequest', () => {
  it('is the cluster-scoped csr resource with approval and status subresources', () => {
    expect(certificatesigningrequests).toMatchObject({ group: 'certificates.k8s.io', namespaced: false, shortNames: ['csr'], etcdPrefix: 'certificatesigningrequests', hasStatusSubresource: true });
    expect(certificatesigningrequests.subresources.map((s) => s.name)).toEqual(['approval', 'status']);
    expect(schemaErrors(certificatesigningrequests.schema, csr())).toEqual([]);
  });

  it('accepts a well-formed request', () => {
    expect(certificatesigningrequests.validate!(csr())).toEqual([]);
  });

  it('parses the request subject and alternative names', () => {
    expect(parseCertificateRequest(nodePem)).toMatchObject({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: [], ipAddresses: [] });
    expect(parseCertificateRequest(servingPem)).toMatchObject({ commonName: 'web', dnsNames: ['web.example'], ipAddresses: ['10.1.2.3'] });
  });

  it('refuses a request that is not PEM PKCS#10, or whose signature does not verify', () => {
    expect(certificatesigningrequests.validate!(csr({ request: b64('hello') }))).toEqual([
      expect.objectContaining({ field: 'spec.request', type: 'FieldValueInvalid', detail: 'PEM block type must be CERTIFICATE REQUEST' }),
    ]);
    const der = Buffer.from(nodePem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(certificatesigningrequests.validate!(csr({ request: b64(tampered) }))[0]).toMatchObject({ field: 'spec.request', detail: expect.stringContaining('signature does not verify') });
    const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(certificatesigningrequests.validate!(csr({ request: b64(cert) }))[0].detail).toBe('PEM block type must be CERTIFICATE REQUEST');
  });

  it('requires known, distinct usages', () => {
    expect(fields(certificatesigningrequests.validate!(csr({ usages: [] })))).toEqual(['spec.usages']);
    const errs = certificatesigningrequests.validate!(csr({ usages: ['client auth', 'teleport', 'client auth'] }));
    expect(errs.map((e) => [e.field, e.type])).toEqual([['spec.usages[1]', 'FieldValueNotSupported'], ['spec.usages[2]', 'FieldValueDuplicate']]);
  });

  it('requires a signer name of the form domain/path', () => {
    expect(certificatesigningrequests.validate!(csr({ signerName: '' }))[0]).toMatchObject({ field: 'spec.signerName', type: 'FieldValueRequired' });
    expect(certificatesigningrequests.validate!(csr({ signerName: 'nodomain' }))[0].detail).toBe("must be a fully qualified domain and path of the form 'example.com/signer-name'");
    expect(certificatesigningrequests.validate!(csr({ signerName: 'example/signer' }))[0].detail).toBe('should be a domain with at least two segments separated by dots');
    expect(certificatesigningrequests.validate!(csr({ signerName: 'Example.com/x' }))[0].detail).toMatch(/^validating label "Example"/);
    expect(certificatesigningrequests.validate!(csr({ signerName: 'example.com/my-signer' }))).toEqual([]);
    expect(certificatesigningrequests.validate!(csr({ signerName: 'kubernetes.io/legacy-unknown' }))[0].detail).toBe('the legacy signerName is not allowed via this API version');
  });

  it('asks for at least ten minutes', () => {
    expect(certificatesigningrequests.validate!(csr({ expirationSeconds: 599 }))[0]).toMatchObject({ field: 'spec.expirationSeconds', detail: 'may not specify a duration less than 600 seconds (10 minutes)' });
    expect(certificatesigningrequests.validate!(csr({ expirationSeconds: 600 }))).toEqual([]);
  });

  it('keeps Approved and Denied exclusive and True only', () => {
    const both = csr({}, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] });
    expect(certificatesigningrequests.validate!(both)[0]).toMatchObject({ field: 'status.conditions[1].type', detail: 'Approved and Denied conditions are mutually exclusive' });
    const falseApproval = csr({}, { conditions: [{ type: 'Approved', status: 'False' }] });
    expect(certificatesigningrequests.validate!(falseApproval)[0]).toMatchObject({ field: 'status.conditions[0].status', type: 'FieldValueNotSupported' });
  });

  it('lets the main resource change no condition, approval add one but remove none, and status set the certificate once', () => {
    const old = csr();
    const approved = csr({}, { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] });
    expect(certificatesigningrequests.validateUpdate!(approved, old)[0]).toMatchObject({ field: 'status.conditions', detail: 'updates may not add a condition of type "Approved"' });
    expect(certificatesigningrequests.validateSubresourceUpdate!('approval', approved, old)).toEqual([]);
    expect(certificatesigningrequests.validateSubresourceUpdate!('status', approved, old)[0].detail).toBe('updates may not add a condition of type "Approved"');
    expect(certificatesigningrequests.validateSubresourceUpdate!('approval', old, approved)[0].detail).toBe('updates may not remove a condition of type "Approved"');
    const issued = csr({}, { ...approved.status, certificate: b64('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n') });
    expect(certificatesigningrequests.validateSubresourceUpdate!('approval', issued, approved)[0]).toMatchObject({ field: 'status.certificate', detail: 'updates may not set certificate content' });
    expect(certificatesigningrequests.validateSubresourceUpdate!('status', issued, approved)).toEqual([]);
    const reissued = csr({}, { ...approved.status, certificate: b64('other') });
    expect(certificatesigningrequests.validateSubresourceUpdate!('status', reissued, issued)[0].detail).toBe('updates may not modify existing certificate content');
  });

  it('refuses a certificate that is not PEM certificates', () => {
    const errs = certificatesigningrequests.validate!(csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: b64('junk') }));
    expect(errs[0]).toMatchObject({ field: 'status.certificate', detail: 'must contain at least one CERTIFICATE PEM block' });
  });
});

describe('the csr table', () => {
  it("has kubectl's columns and condition summary", () => {
    expect(certificateSigningRequestPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition']);
    const now = Date.parse('2026-01-01T00:10:00Z');
    const pending = { ...csr({ username: 'system:bootstrap:abcdef', expirationSeconds: 3600 }), metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' } };
    expect(certificateSigningRequestPrinter.cells(pending, now)).toEqual(['a', '10m', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:bootstrap:abcdef', '60m', 'Pending']);
    expect(certificateSigningRequestPrinter.cells({ ...pending, spec: { ...pending.spec, expirationSeconds: undefined } }, now)[4]).toBe('<none>');
    expect(certificateSigningRequestCondition(csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'eA==' }))).toBe('Approved,Issued');
    expect(certificateSigningRequestCondition(csr({}, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] }))).toBe('Approved,Failed');
    expect(certificateSigningRequestCondition(csr({}, { conditions: [{ type: 'Denied', status: 'True' }] }))).toBe('Denied');
  });
});
