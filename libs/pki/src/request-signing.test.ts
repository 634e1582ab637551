import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterCA } from './cluster-ca';
import { PkiError } from './errors';
import { caCertHash, createCertificateRequest, signingValidity } from './request-signing';
import { x509 } from './x509';

const hourMs = 3600_000;
let ca: ClusterCA;

beforeAll(async () => {
  ca = await ClusterCA.create();
});

const spkiOf = (csrPem: string) => Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData);

describe('createCertificateRequest', () => {
  it('makes a PKCS#10 request for a fresh P-256 key, signed by that key, with the subject asked for', async () => {
    const { csrPem, keyPem } = await createCertificateRequest({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(csr.subjectName.getField('CN')).toEqual(['system:node:n1']);
    expect(csr.subjectName.getField('O')).toEqual(['system:nodes']);
    expect(await csr.verify()).toBe(true);
    expect(crypto.createPublicKey(crypto.createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' })).toEqual(spkiOf(csrPem));
  });

  it('carries DNS and IP alternative names for serving requests', async () => {
    const { csrPem } = await createCertificateRequest({ commonName: 'system:node:n1', dnsNames: ['n1.example'], ipAddresses: ['10.0.0.7'] });
    const raw = new x509.Pkcs10CertificateRequest(csrPem).getExtension('2.5.29.17')!;
    expect(new x509.SubjectAlternativeNameExtension(raw.rawData).names.toJSON()).toEqual([{ type: 'dns', value: 'n1.example' }, { type: 'ip', value: '10.0.0.7' }]);
  });

  it('refuses a request without a common name', async () => {
    await expect(createCertificateRequest({ commonName: '' })).rejects.toThrow(PkiError);
  });
});

describe('ClusterCA.signRequest', () => {
  it('issues a certificate for the requester key that chains to the CA, with the subject, usages and duration asked for', async () => {
    const { csrPem, keyPem } = await createCertificateRequest({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    const now = new Date('2026-01-01T00:00:00Z');
    const pem = await ca.signRequest({
      publicKeySpki: spkiOf(csrPem),
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
      usages: ['digital signature', 'client auth'],
      durationMs: 24 * hourMs,
      now,
    });
    const cert = new crypto.X509Certificate(pem);
    expect(cert.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.checkPrivateKey(crypto.createPrivateKey(keyPem))).toBe(true);
    expect(cert.subject.split('\n').sort()).toEqual(['CN=system:node:n1', 'O=system:nodes']);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    const parsed = new x509.X509Certificate(pem);
    expect(parsed.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    // Backdated five minutes; a day is long-lived, so five minutes come off its end too.
    expect(parsed.notBefore.toISOString()).toBe('2025-12-31T23:55:00.000Z');
    expect(parsed.notAfter.toISOString()).toBe('2026-01-01T23:55:00.000Z');
  });

  it('puts serving names in the certificate and never makes a CA', async () => {
    const { csrPem } = await createCertificateRequest({ commonName: 'system:node:n1' });
    const pem = await ca.signRequest({
      publicKeySpki: spkiOf(csrPem),
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
      dnsNames: ['n1'],
      ipAddresses: ['192.168.1.5'],
      usages: ['digital signature', 'key encipherment', 'server auth'],
      durationMs: hourMs,
    });
    const cert = new crypto.X509Certificate(pem);
    expect(cert.subjectAltName).toBe('DNS:n1, IP Address:192.168.1.5');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.ca).toBe(false);
  });

  it('refuses an unknown usage', async () => {
    const { csrPem } = await createCertificateRequest({ commonName: 'x' });
    await expect(ca.signRequest({ publicKeySpki: spkiOf(csrPem), commonName: 'x', usages: ['teleport'], durationMs: hourMs })).rejects.toThrow('unknown certificate usage "teleport"');
  });
});

describe('signingValidity', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const caEnd = new Date('2027-01-01T00:00:00Z');
  it('keeps the whole duration of short-lived certificates and caps every end at the CA end', () => {
    expect(signingValidity(hourMs, caEnd, now).notAfter.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(signingValidity(5 * 365 * 24 * hourMs, caEnd, now).notAfter).toEqual(caEnd);
  });
  it('refuses to sign with an expired CA', () => {
    expect(() => signingValidity(hourMs, now, caEnd)).toThrow('the signer has expired');
  });
});

describe('caCertHash', () => {
  it("is sha256 of the CA's SubjectPublicKeyInfo, as kubeadm and openssl compute it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-hash-'));
    try {
      fs.writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
      const der = execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', path.join(dir, 'ca.crt')]);
      const spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: der });
      expect(caCertHash(ca.certPem)).toBe(`sha256:${crypto.createHash('sha256').update(spki).digest('hex')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(() => caCertHash('nonsense')).toThrow(PkiError);
  });
});
