import * as crypto from 'node:crypto';
import { PkiError } from './errors';
import { publicKeyDerOf } from './keys';
import { x509 } from './x509';

export type KeyPurpose = 'serverAuth' | 'clientAuth';

/** What a certificate says about itself, in the terms the rest of Skiff asks about. */
export interface CertificateInfo {
  commonName?: string;
  organizations: string[];
  issuerCommonName?: string;
  dnsNames: string[];
  /** Canonical text form (IPv6 compressed, lower case). */
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  purposes: KeyPurpose[];
  isCA: boolean;
  serialNumber: string;
}

const purposeOids: Record<KeyPurpose, string> = {
  serverAuth: x509.ExtendedKeyUsage.serverAuth,
  clientAuth: x509.ExtendedKeyUsage.clientAuth,
};

/** Parses one PEM certificate, naming `what` in the error when it is not one. */
export function parseCertificate(pem: string, what = 'certificate'): x509.X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PkiError(`${what} is not a PEM certificate (no BEGIN CERTIFICATE block)`);
  }
  try {
    return new x509.X509Certificate(pem);
  } catch (err) {
    throw new PkiError(`${what} is not a readable certificate: ${(err as Error).message}`);
  }
}

export function certificateInfo(cert: string | x509.X509Certificate): CertificateInfo {
  const c = typeof cert === 'string' ? parseCertificate(cert) : cert;
  const san = c.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san ? san.names.toJSON() : [];
  const eku = c.getExtension(x509.ExtendedKeyUsageExtension);
  const usages = (eku?.usages ?? []).map(String);
  return {
    commonName: c.subjectName.getField('CN')[0],
    organizations: c.subjectName.getField('O'),
    issuerCommonName: c.issuerName.getField('CN')[0],
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => canonicalIp(n.value)),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    purposes: (Object.keys(purposeOids) as KeyPurpose[]).filter((p) => usages.includes(purposeOids[p])),
    isCA: c.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    serialNumber: c.serialNumber,
  };
}

/** What a certificate must satisfy to be kept; every field left out is not checked. */
export interface CertificateRequirements {
  purpose?: KeyPurpose;
  commonName?: string;
  /** Compared as a set: the certificate must carry exactly these. */
  organizations?: string[];
  /** Each must be among the certificate's SANs (extra SANs are allowed). */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** The private key that must belong to the certificate (PEM). */
  keyPem?: string;
  /** The moment to judge validity at; default now. */
  now?: Date;
  /** The certificate must stay valid this many milliseconds after `now`; default 0. */
  minRemainingMs?: number;
}

export type CertificateCheck = { ok: true; info: CertificateInfo } | { ok: false; reason: string };

/**
 * Checks that a certificate was signed by the CA, is valid now (and for the remaining time asked), and matches the
 * subject, purpose, SANs and key asked for. The reason names the first thing that does not hold.
 */
export function checkCertificate(certPem: string, caPem: string, req: CertificateRequirements = {}): CertificateCheck {
  let cert: crypto.X509Certificate;
  let info: CertificateInfo;
  try {
    cert = new crypto.X509Certificate(certPem);
    info = certificateInfo(certPem);
  } catch (err) {
    return { ok: false, reason: `unreadable: ${(err as Error).message}` };
  }
  let ca: crypto.X509Certificate;
  try {
    ca = new crypto.X509Certificate(caPem);
  } catch (err) {
    throw new PkiError(`the CA certificate is not readable: ${(err as Error).message}`);
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return { ok: false, reason: `not signed by the CA ${ca.subject.replace(/\n/g, ', ')}` };
  const now = req.now ?? new Date();
  if (info.notBefore.getTime() > now.getTime()) return { ok: false, reason: `not valid before ${info.notBefore.toISOString()}` };
  if (info.notAfter.getTime() <= now.getTime()) return { ok: false, reason: `expired at ${info.notAfter.toISOString()}` };
  const minRemaining = req.minRemainingMs ?? 0;
  if (info.notAfter.getTime() - now.getTime() < minRemaining) {
    return { ok: false, reason: `expires at ${info.notAfter.toISOString()}, within ${Math.round(minRemaining / 86_400_000)} days` };
  }
  if (req.purpose && !info.purposes.includes(req.purpose)) return { ok: false, reason: `not usable for ${req.purpose}` };
  if (req.commonName !== undefined && info.commonName !== req.commonName) {
    return { ok: false, reason: `common name is ${JSON.stringify(info.commonName ?? '')}, wanted ${JSON.stringify(req.commonName)}` };
  }
  if (req.organizations && !sameSet(info.organizations, req.organizations)) {
    return { ok: false, reason: `organizations are [${info.organizations.join(', ')}], wanted [${req.organizations.join(', ')}]` };
  }
  const missingDns = (req.dnsNames ?? []).filter((n) => !info.dnsNames.includes(n));
  const missingIps = (req.ipAddresses ?? []).map(canonicalIp).filter((ip) => !info.ipAddresses.includes(ip));
  if (missingDns.length + missingIps.length > 0) return { ok: false, reason: `SANs do not cover ${[...missingDns, ...missingIps].join(', ')}` };
  if (req.keyPem !== undefined) {
    let keyDer: Buffer;
    try {
      keyDer = publicKeyDerOf(req.keyPem);
    } catch (err) {
      return { ok: false, reason: `key unreadable: ${(err as Error).message}` };
    }
    if (!keyDer.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) return { ok: false, reason: 'key does not belong to the certificate' };
  }
  return { ok: true, info };
}

/** An IP address in the text form the WHATWG URL parser gives it, so 0:0::1 and ::1 compare equal. */
export function canonicalIp(ip: string): string {
  try {
    return ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : new URL(`http://${ip}/`).hostname;
  } catch {
    return ip;
  }
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((v) => sb.has(v));
}
