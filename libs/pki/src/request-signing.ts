import * as crypto from 'node:crypto';
import { PkiError } from './errors';
import { x509 } from './x509';

/** What the CA puts in a certificate it signs for a request (a CertificateSigningRequest's PKCS#10 and spec). */
export interface CertificateSigningTemplate {
  /** The requester's key, DER SubjectPublicKeyInfo. */
  publicKeySpki: Buffer;
  commonName?: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  emailAddresses?: string[];
  uris?: string[];
  /** certificates.k8s.io/v1 usages: `digital signature`, `key encipherment`, `client auth`, ... */
  usages: readonly string[];
  durationMs: number;
  now?: Date;
}

/** Kubernetes' signer backdates by five minutes, and takes those off the end of certificates of eight hours or more. */
const backdateMs = 5 * 60_000;
const shortLivedMs = 8 * 3600_000;

const keyUsageFlags: Record<string, number> = {
  signing: x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};

const extendedKeyUsageOids: Record<string, string> = {
  any: '2.5.29.37.0',
  'server auth': x509.ExtendedKeyUsage.serverAuth,
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'code signing': x509.ExtendedKeyUsage.codeSigning,
  'email protection': x509.ExtendedKeyUsage.emailProtection,
  's/mime': x509.ExtendedKeyUsage.emailProtection,
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: x509.ExtendedKeyUsage.timeStamping,
  'ocsp signing': x509.ExtendedKeyUsage.ocspSigning,
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};

/** notBefore/notAfter for a signed request: backdated, shorter by the backdate when long-lived, capped at the CA's end. */
export function signingValidity(durationMs: number, caNotAfter: Date, now: Date): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(durationMs) || durationMs <= 0) throw new PkiError(`certificate duration must be positive, got ${durationMs} ms`);
  if (now >= caNotAfter) throw new PkiError(`the signer has expired: NotAfter=${caNotAfter.toISOString()}`);
  const notBefore = new Date(now.getTime() - backdateMs);
  let notAfter = new Date(now.getTime() + durationMs - (durationMs < shortLivedMs ? 0 : backdateMs));
  if (notAfter > caNotAfter) notAfter = caNotAfter;
  return { notBefore, notAfter };
}

/** Basic constraints (not a CA), key usage, extended key usage and alternative names for a signed request. */
export function signingPolicyExtensions(t: CertificateSigningTemplate): x509.Extension[] {
  let flags = 0;
  const purposes: string[] = [];
  for (const usage of t.usages) {
    if (usage in keyUsageFlags) flags |= keyUsageFlags[usage];
    else if (usage in extendedKeyUsageOids) purposes.push(extendedKeyUsageOids[usage]);
    else throw new PkiError(`unknown certificate usage "${usage}"`);
  }
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (flags) extensions.push(new x509.KeyUsagesExtension(flags, true));
  if (purposes.length) extensions.push(new x509.ExtendedKeyUsageExtension([...new Set(purposes)], false));
  const names = [
    ...(t.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(t.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(t.emailAddresses ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(t.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  return extensions;
}

export interface CertificateRequestSubject {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
}

/**
 * A fresh ECDSA P-256 key and a PKCS#10 request for it, as a kubelet makes one to ask for its client certificate
 * through a CertificateSigningRequest (`system:node:<name>` in `system:nodes`). Both PEM.
 */
export async function createCertificateRequest(subject: CertificateRequestSubject): Promise<{ csrPem: string; keyPem: string }> {
  if (!subject.commonName) throw new PkiError('a certificate request needs a common name');
  const pair = (await crypto.webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
  const names = [
    ...(subject.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(subject.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [...(subject.organizations ?? []).map((o) => ({ O: [o] })), { CN: [subject.commonName] }],
    keys: pair as unknown as Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0]['keys'],
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: names.length ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  const keyPem = crypto.KeyObject.from(pair.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { csrPem: csr.toString('pem') + '\n', keyPem };
}

/**
 * kubeadm's CA pin (`--discovery-token-ca-cert-hash`): `sha256:` and the hex SHA-256 of the CA certificate's
 * DER SubjectPublicKeyInfo. A joining node compares it with the CA that cluster-info hands it.
 */
export function caCertHash(caCertPem: string): string {
  let spki: Buffer;
  try {
    spki = new crypto.X509Certificate(caCertPem).publicKey.export({ type: 'spki', format: 'der' });
  } catch (e) {
    throw new PkiError(`CA certificate does not parse: ${(e as Error).message}`);
  }
  return `sha256:${crypto.createHash('sha256').update(spki).digest('hex')}`;
}
