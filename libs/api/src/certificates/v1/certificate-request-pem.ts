import * as crypto from 'node:crypto';
import type * as X509 from '@peculiar/x509';

/** What a PKCS#10 request asks for: its subject, subject alternative names and public key. */
export interface ParsedCertificateRequest {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** The requester's public key as DER SubjectPublicKeyInfo. */
  publicKeySpki: Buffer;
}

let x509Module: typeof X509 | undefined;

/** @peculiar/x509 takes a fifth of a second to load; only programs that meet a request pay for it. */
function x509(): typeof X509 {
  if (!x509Module) {
    require('reflect-metadata');
    x509Module = require('@peculiar/x509') as typeof X509;
  }
  return x509Module;
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/;

/** The first PEM block of `text`, as Go's pem.Decode finds it. */
function firstPemBlock(text: string): { type: string; headers: boolean; der: Buffer } | undefined {
  const m = pemBlock.exec(text);
  if (!m) return undefined;
  const body = m[2];
  return { type: m[1], headers: /^[^\n]*:/.test(body), der: Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') };
}

/** Node's name for the digest of a WebCrypto-style signature algorithm; null for algorithms without one (Ed25519). */
function digestOf(algorithm: { name: string; hash?: { name: string } }): string | null {
  return algorithm.hash ? algorithm.hash.name.replace('-', '').toLowerCase() : null;
}

/**
 * Parses PEM text holding a PKCS#10 certificate request and checks its self-signature, as Kubernetes' apiserver
 * does before accepting a CertificateSigningRequest. Throws an Error whose message says what is wrong.
 */
export function parseCertificateRequest(pem: string): ParsedCertificateRequest {
  const block = firstPemBlock(pem);
  if (!block || block.type !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const lib = x509();
  let csr: X509.Pkcs10CertificateRequest;
  try {
    csr = new lib.Pkcs10CertificateRequest(block.der);
  } catch (e) {
    throw new Error(`x509: malformed certificate request: ${(e as Error).message}`);
  }
  const publicKeySpki = Buffer.from(csr.publicKey.rawData);
  let verified = false;
  try {
    const key = crypto.createPublicKey({ key: publicKeySpki, format: 'der', type: 'spki' });
    // The signed bytes exactly as received; @peculiar/x509 keeps them on the parsed ASN.1 but does not expose it.
    const tbs = (csr as unknown as { asn: { certificationRequestInfoRaw?: ArrayBuffer } }).asn.certificationRequestInfoRaw;
    if (tbs) verified = crypto.verify(digestOf(csr.signatureAlgorithm as { name: string; hash?: { name: string } }), Buffer.from(tbs), key, Buffer.from(csr.signature));
  } catch {
    verified = false;
  }
  if (!verified) throw new Error('x509: certificate request signature does not verify');
  const names: { type: string; value: string }[] = [];
  const sanExtension = csr.getExtension('2.5.29.17');
  if (sanExtension) names.push(...new lib.SubjectAlternativeNameExtension(sanExtension.rawData).names.toJSON());
  const of = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  return {
    commonName: csr.subjectName.getField('CN')[0] ?? '',
    organizations: csr.subjectName.getField('O'),
    dnsNames: of('dns'),
    ipAddresses: of('ip'),
    emailAddresses: of('email'),
    uris: of('url'),
    publicKeySpki,
  };
}

const pemBlocks = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Why `pem` is not one or more bare PEM CERTIFICATE blocks that parse, or undefined when it is. */
export function certificateBundleProblem(pem: string): string | undefined {
  let blocks = 0;
  for (const m of pem.matchAll(pemBlocks)) {
    if (m[1] !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found "${m[1]}"`;
    if (/^[^\n]*:/.test(m[2])) return 'no PEM block headers are permitted';
    try {
      new crypto.X509Certificate(m[0]);
    } catch (e) {
      return `x509: malformed certificate: ${(e as Error).message}`;
    }
    blocks++;
  }
  return blocks === 0 ? 'must contain at least one CERTIFICATE PEM block' : undefined;
}
