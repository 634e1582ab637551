import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { certificateInfo, checkCertificate } from './certificate-info';
import { ClusterCA } from './cluster-ca';
import { PkiError } from './errors';
import { x509 } from './x509';

const dayMs = 86_400_000;
let ca: ClusterCA;
let tmp: string;

beforeAll(async () => {
  ca = await ClusterCA.create();
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-ca-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('ClusterCA.create', () => {
  it('makes a self-signed ten-year ECDSA P-256 CA named skiff-ca that may sign certificates', async () => {
    const cert = new x509.X509Certificate(ca.certPem);
    expect(cert.subject).toBe('CN=skiff-ca');
    expect(cert.issuer).toBe('CN=skiff-ca');
    expect(await cert.isSelfSigned()).toBe(true);
    expect(cert.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, critical: true });
    const usages = cert.getExtension(x509.KeyUsagesExtension)!.usages;
    expect(usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(usages & x509.KeyUsageFlags.cRLSign).toBeTruthy();
    const years = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (365 * dayMs);
    expect(years).toBeGreaterThan(9.99);
    expect(years).toBeLessThan(10.02);

    const node = new crypto.X509Certificate(ca.certPem);
    expect(node.ca).toBe(true);
    expect(node.publicKey.asymmetricKeyType).toBe('ec');
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(node.verify(node.publicKey)).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(crypto.createPrivateKey(ca.keyPem).asymmetricKeyType).toBe('ec');
  });
});

describe('issueServing', () => {
  it('issues a serverAuth certificate with the DNS and IP SANs asked for, signed by the CA', async () => {
    const issued = await ca.issueServing({
      commonName: 'kube-apiserver',
      dnsNames: ['kubernetes', 'kubernetes.default.svc.cluster.local', 'localhost'],
      ipAddresses: ['127.0.0.1', '10.96.0.1', '0:0:0:0:0:0:0:1'],
      days: 30,
    });
    const cert = new x509.X509Certificate(issued.certPem);
    expect(cert.subject).toBe('CN=kube-apiserver');
    expect(cert.issuer).toBe('CN=skiff-ca');
    expect(await cert.verify({ publicKey: new x509.X509Certificate(ca.certPem).publicKey, signatureOnly: true })).toBe(true);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([x509.ExtendedKeyUsage.serverAuth]);
    expect(cert.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(false);
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId;
    expect(aki).toBe(new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);

    const node = new crypto.X509Certificate(issued.certPem);
    expect(node.subjectAltName).toBe('DNS:kubernetes, DNS:kubernetes.default.svc.cluster.local, DNS:localhost, IP Address:127.0.0.1, IP Address:10.96.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(node.checkIssued(new crypto.X509Certificate(ca.certPem))).toBe(true);
    expect(node.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(node.checkHost('kubernetes')).toBe('kubernetes');
    expect(node.checkIP('10.96.0.1')).toBe('10.96.0.1');
    expect(node.checkIP('::1')).toBe('::1');
    expect(node.checkHost('example.com')).toBeUndefined();
    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(new Date(node.validTo).getTime() - Date.now()).toBeGreaterThan(29.9 * dayMs);
    expect(new Date(node.validTo).getTime() - Date.now()).toBeLessThan(30.1 * dayMs);
    expect(new Date(node.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    // The private key is the one the certificate names.
    expect(node.checkPrivateKey(crypto.createPrivateKey(issued.keyPem))).toBe(true);
    expect(issued.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    expect(certificateInfo(issued.certPem)).toMatchObject({
      commonName: 'kube-apiserver',
      organizations: [],
      issuerCommonName: 'skiff-ca',
      dnsNames: ['kubernetes', 'kubernetes.default.svc.cluster.local', 'localhost'],
      ipAddresses: ['127.0.0.1', '10.96.0.1', '::1'],
      purposes: ['serverAuth'],
      isCA: false,
    });
  });

  it('refuses a serving certificate without SANs, bad DNS names and bad IPs with clear errors', async () => {
    await expect(ca.issueServing({ commonName: 'x' })).rejects.toThrow(/at least one DNS name or IP address/);
    await expect(ca.issueServing({ commonName: 'x', dnsNames: ['Bad_Name'] })).rejects.toThrow(/"Bad_Name" is not a valid DNS name/);
    await expect(ca.issueServing({ commonName: 'x', dnsNames: ['a.*.b'] })).rejects.toThrow(/"a.\*.b" is not a valid DNS name/);
    expect(certificateInfo((await ca.issueServing({ commonName: 'x', dnsNames: ['*.apps.example'] })).certPem).dnsNames).toEqual(['*.apps.example']);
    await expect(ca.issueServing({ commonName: 'x', ipAddresses: ['10.0.0.300'] })).rejects.toThrow(/"10.0.0.300" is not an IP address/);
    await expect(ca.issueServing({ commonName: '', dnsNames: ['a'] })).rejects.toThrow(PkiError);
    await expect(ca.issueServing({ commonName: 'x', dnsNames: ['a'], days: 0 })).rejects.toThrow(/positive number of days/);
    const now = new Date();
    await expect(ca.issueServing({ commonName: 'x', dnsNames: ['a'], notBefore: now, notAfter: new Date(now.getTime() - 1) })).rejects.toThrow(/before it begins/);
  });
});

describe('issueClient', () => {
  it('issues a clientAuth certificate with CN as the user and one O per group', async () => {
    const issued = await ca.issueClient({ commonName: 'system:node:n1', organizations: ['system:nodes', 'extra'] });
    const cert = new x509.X509Certificate(issued.certPem);
    expect(cert.subjectName.getField('CN')).toEqual(['system:node:n1']);
    expect(cert.subjectName.getField('O')).toEqual(['system:nodes', 'extra']);
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();

    const node = new crypto.X509Certificate(issued.certPem);
    expect(node.subject.split('\n')).toEqual(['O=system:nodes', 'O=extra', 'CN=system:node:n1']);
    expect(node.issuer).toBe('CN=skiff-ca');
    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(node.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
    // Default validity: a year.
    expect(new Date(node.validTo).getTime() - Date.now()).toBeGreaterThan(364.9 * dayMs);
  });

  it('never lets a certificate outlive the CA that signed it', async () => {
    const shortCa = await ClusterCA.create({ days: 10 });
    const issued = await shortCa.issueClient({ commonName: 'u', days: 365 });
    expect(certificateInfo(issued.certPem).notAfter).toEqual(shortCa.notAfter);
  });

  it('takes an explicit validity window, also one already over', async () => {
    const notBefore = new Date(Date.now() - 2 * dayMs);
    const notAfter = new Date(Date.now() - dayMs);
    const issued = await ca.issueClient({ commonName: 'late', notBefore, notAfter });
    const info = certificateInfo(issued.certPem);
    expect(info.notAfter.getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(checkCertificate(issued.certPem, ca.certPem)).toEqual({ ok: false, reason: expect.stringMatching(/^expired at /) });
  });
});

describe('checkCertificate', () => {
  it('names the first requirement a certificate misses', async () => {
    const other = await ClusterCA.create();
    const serving = await ca.issueServing({ commonName: 's', dnsNames: ['a'], ipAddresses: ['10.0.0.1'], days: 20 });
    const client = await ca.issueClient({ commonName: 'u', organizations: ['g'] });
    const req = { purpose: 'serverAuth' as const, commonName: 's', organizations: [], dnsNames: ['a'], ipAddresses: ['10.0.0.1'], keyPem: serving.keyPem };
    expect(checkCertificate(serving.certPem, ca.certPem, req).ok).toBe(true);
    expect(checkCertificate(serving.certPem, other.certPem, req)).toMatchObject({ reason: 'not signed by the CA CN=skiff-ca' });
    expect(checkCertificate(serving.certPem, ca.certPem, { ...req, minRemainingMs: 30 * dayMs })).toMatchObject({ reason: expect.stringMatching(/within 30 days/) });
    expect(checkCertificate(serving.certPem, ca.certPem, { ...req, dnsNames: ['a', 'b'], ipAddresses: ['10.0.0.2'] })).toMatchObject({ reason: 'SANs do not cover b, 10.0.0.2' });
    expect(checkCertificate(serving.certPem, ca.certPem, { ...req, keyPem: client.keyPem })).toMatchObject({ reason: 'key does not belong to the certificate' });
    expect(checkCertificate(serving.certPem, ca.certPem, { ...req, purpose: 'clientAuth' })).toMatchObject({ reason: 'not usable for clientAuth' });
    expect(checkCertificate(client.certPem, ca.certPem, { commonName: 'u', organizations: ['g', 'h'] })).toMatchObject({ reason: 'organizations are [g], wanted [g, h]' });
    expect(checkCertificate(client.certPem, ca.certPem, { commonName: 'v' })).toMatchObject({ reason: 'common name is "u", wanted "v"' });
    expect(checkCertificate('garbage', ca.certPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unreadable/) });
  });
});

describe('save and load', () => {
  it('round-trips through ca.crt and ca.key (0600) and issues certificates the original CA verifies', async () => {
    ca.save(tmp);
    expect(fs.statSync(path.join(tmp, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(tmp, 'ca.crt')).mode & 0o777).toBe(0o644);
    const loaded = await ClusterCA.load(tmp);
    expect(loaded.certPem).toBe(ca.certPem);
    const issued = await loaded.issueClient({ commonName: 'u' });
    expect(checkCertificate(issued.certPem, ca.certPem, { commonName: 'u', purpose: 'clientAuth' }).ok).toBe(true);
  });

  it('loadOrCreate makes a CA once and loads it afterwards', async () => {
    const first = await ClusterCA.loadOrCreate(tmp);
    const second = await ClusterCA.loadOrCreate(tmp);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.ca.certPem).toBe(first.ca.certPem);
  });

  it('loads a CA made elsewhere with an RSA key in PKCS#1 and signs with it', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys = {
      privateKey: await crypto.webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']),
      publicKey: await crypto.webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']),
    };
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=kubernetes',
      keys: keys as never,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    fs.writeFileSync(path.join(tmp, 'ca.crt'), cert.toString('pem'));
    fs.writeFileSync(path.join(tmp, 'ca.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const rsaCa = await ClusterCA.load(tmp);
    expect(rsaCa.commonName).toBe('kubernetes');
    const issued = await rsaCa.issueServing({ commonName: 's', dnsNames: ['s'] });
    const leaf = new crypto.X509Certificate(issued.certPem);
    expect(leaf.verify(publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('refuses a missing key, a key of another CA, a certificate that is no CA, and garbage, naming the problem', async () => {
    const other = await ClusterCA.create();
    fs.writeFileSync(path.join(tmp, 'ca.crt'), ca.certPem);
    await expect(ClusterCA.load(tmp)).rejects.toThrow(/no CA key at .*ca\.key/);
    await expect(ClusterCA.loadOrCreate(tmp)).rejects.toThrow(/no CA key/);
    fs.writeFileSync(path.join(tmp, 'ca.key'), other.keyPem);
    await expect(ClusterCA.load(tmp)).rejects.toThrow(/CA key does not belong to the CA certificate/);
    const leaf = await ca.issueClient({ commonName: 'u' });
    await expect(ClusterCA.fromPem(leaf.certPem, leaf.keyPem)).rejects.toThrow(/is not a CA/);
    await expect(ClusterCA.fromPem('hello', ca.keyPem)).rejects.toThrow(/not a PEM certificate/);
    await expect(ClusterCA.fromPem(ca.certPem, 'hello')).rejects.toThrow(/CA key is not a readable PEM private key/);
    await expect(ClusterCA.load(path.join(tmp, 'nowhere'))).rejects.toThrow(/no CA certificate at/);
  });
});
