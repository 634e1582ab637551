import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { certificateInfo, parseCertificate } from './certificate-info';
import { PkiError } from './errors';
import { publicFileMode, readIfExists, secretFileMode, writeFileAtomic } from './files';
import { generateSigningKey, importSigningKey, publicKeyDerOf, type SigningKey } from './keys';
import { validDnsName, validIp } from './names';
import { signingPolicyExtensions, signingValidity, type CertificateSigningTemplate } from './request-signing';
import { x509 } from './x509';

const dayMs = 86_400_000;
/** Certificates start a few minutes in the past so a node whose clock lags a little still accepts them. */
const backdateMs = 5 * 60_000;

export const caCertFileName = 'ca.crt';
export const caKeyFileName = 'ca.key';

/** When a certificate is valid: `days` from `now`, unless notBefore/notAfter are given outright. */
export interface CertificateValidity {
  /** Default 365. */
  days?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** The moment `days` counts from; default now. */
  now?: Date;
}

export interface ServingCertificateRequest extends CertificateValidity {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Also clientAuth: a server that dials its peers with the same certificate (an etcd member). */
  alsoClientAuth?: boolean;
}

export interface ClientCertificateRequest extends CertificateValidity {
  /** Becomes the user name under x509 authentication. */
  commonName: string;
  /** Each becomes a group under x509 authentication. */
  organizations?: string[];
}

/** A certificate with its own fresh key: PEM certificate and PEM PKCS#8 private key. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

export interface ClusterCAOptions {
  /** Default `skiff-ca`. */
  commonName?: string;
  /** Default 3650 (ten years). */
  days?: number;
  now?: Date;
}

/** The cluster's certificate authority: one key that signs every serving and client certificate of the cluster. */
export class ClusterCA {
  private constructor(
    readonly certPem: string,
    readonly keyPem: string,
    private readonly cert: x509.X509Certificate,
    private readonly key: SigningKey,
  ) {}

  /** A new self-signed CA with an ECDSA P-256 key. */
  static async create(opts: ClusterCAOptions = {}): Promise<ClusterCA> {
    const key = await generateSigningKey();
    const { notBefore, notAfter } = validityWindow({ days: opts.days ?? 3650, now: opts.now });
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: [{ CN: [nonEmpty(opts.commonName ?? 'skiff-ca', 'CA common name')] }],
      notBefore,
      notAfter,
      signingAlgorithm: key.signingAlgorithm,
      keys: { privateKey: key.privateKey, publicKey: key.publicKey },
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
      ],
    });
    return new ClusterCA(cert.toString('pem') + '\n', key.privateKeyPem, cert, key);
  }

  /** A CA from PEM text, checked to be a CA certificate whose key is the one given. */
  static async fromPem(certPem: string, keyPem: string): Promise<ClusterCA> {
    const cert = parseCertificate(certPem, 'CA certificate');
    if (!certificateInfo(cert).isCA) throw new PkiError('CA certificate is not a CA (basicConstraints CA:TRUE is missing)');
    const key = await importSigningKey(keyPem, 'CA key');
    const certKeyDer = new crypto.X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    if (!publicKeyDerOf(keyPem).equals(certKeyDer)) throw new PkiError('CA key does not belong to the CA certificate');
    return new ClusterCA(certPem, keyPem, cert, key);
  }

  /** Reads `ca.crt` and `ca.key` from a directory. */
  static async load(dir: string): Promise<ClusterCA> {
    const certFile = path.join(dir, caCertFileName);
    const keyFile = path.join(dir, caKeyFileName);
    const certPem = readIfExists(certFile);
    const keyPem = readIfExists(keyFile);
    if (certPem === undefined) throw new PkiError(`no CA certificate at ${certFile}`);
    if (keyPem === undefined) throw new PkiError(`no CA key at ${keyFile}: a CA certificate without its key cannot issue certificates`);
    try {
      return await ClusterCA.fromPem(certPem, keyPem);
    } catch (err) {
      throw err instanceof PkiError ? new PkiError(`${dir}: ${err.message}`) : err;
    }
  }

  /** Loads the CA in `dir`, or makes and saves one when neither of its files exists. */
  static async loadOrCreate(dir: string, opts: ClusterCAOptions = {}): Promise<{ ca: ClusterCA; created: boolean }> {
    if (!fs.existsSync(path.join(dir, caCertFileName)) && !fs.existsSync(path.join(dir, caKeyFileName))) {
      const ca = await ClusterCA.create(opts);
      ca.save(dir);
      return { ca, created: true };
    }
    return { ca: await ClusterCA.load(dir), created: false };
  }

  /** Writes `ca.crt` (0644) and `ca.key` (0600) into `dir`; the key first, so a crash never leaves a lone certificate. */
  save(dir: string): void {
    writeFileAtomic(path.join(dir, caKeyFileName), this.keyPem, secretFileMode);
    writeFileAtomic(path.join(dir, caCertFileName), this.certPem, publicFileMode);
  }

  get commonName(): string {
    return this.cert.subjectName.getField('CN')[0] ?? '';
  }

  get notAfter(): Date {
    return this.cert.notAfter;
  }

  /** A TLS server certificate: serverAuth, with the DNS names and IP addresses clients will dial. */
  async issueServing(req: ServingCertificateRequest): Promise<IssuedCertificate> {
    const dnsNames = unique((req.dnsNames ?? []).map((n) => validDnsName(n)));
    const ipAddresses = unique((req.ipAddresses ?? []).map((ip) => validIp(ip)));
    if (dnsNames.length + ipAddresses.length === 0) {
      throw new PkiError(`serving certificate ${req.commonName} needs at least one DNS name or IP address: clients match SANs, not the common name`);
    }
    const san = new x509.SubjectAlternativeNameExtension([
      ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ]);
    const purposes = [x509.ExtendedKeyUsage.serverAuth, ...(req.alsoClientAuth ? [x509.ExtendedKeyUsage.clientAuth] : [])];
    return this.issue(subjectName(req.commonName, req.organizations), purposes, [san], req);
  }

  /** A TLS client certificate: clientAuth, CN = user, one O per group. */
  async issueClient(req: ClientCertificateRequest): Promise<IssuedCertificate> {
    return this.issue(subjectName(req.commonName, req.organizations), [x509.ExtendedKeyUsage.clientAuth], [], req);
  }

  /**
   * A certificate for someone else's key, as Kubernetes' CSR signer makes it: the request's subject and alternative
   * names, the usages asked for, valid for `durationMs` (backdated, never past the CA's own end). Returns PEM.
   */
  async signRequest(template: CertificateSigningTemplate): Promise<string> {
    const { notBefore, notAfter } = signingValidity(template.durationMs, this.cert.notAfter, template.now ?? new Date());
    const publicKey = new x509.PublicKey(template.publicKeySpki);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: [...(template.organizations ?? []).map((o) => ({ O: [o] })), ...(template.commonName ? [{ CN: [template.commonName] }] : [])],
      issuer: this.cert.subjectName,
      notBefore,
      notAfter,
      signingAlgorithm: this.key.signingAlgorithm,
      publicKey,
      signingKey: this.key.privateKey,
      extensions: [
        ...signingPolicyExtensions(template),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.key.publicKey),
      ],
    });
    return cert.toString('pem') + '\n';
  }

  private async issue(subject: x509.JsonName, purposes: string[], extra: x509.Extension[], validity: CertificateValidity): Promise<IssuedCertificate> {
    const { notBefore, notAfter } = validityWindow(validity, this.cert.notAfter);
    const leaf = await generateSigningKey();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject,
      issuer: this.cert.subjectName,
      notBefore,
      notAfter,
      signingAlgorithm: this.key.signingAlgorithm,
      publicKey: leaf.publicKey,
      signingKey: this.key.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(purposes, false),
        ...extra,
        await x509.SubjectKeyIdentifierExtension.create(leaf.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.key.publicKey),
      ],
    });
    return { certPem: cert.toString('pem') + '\n', keyPem: leaf.privateKeyPem, notAfter };
  }
}

/** O=... for each organization, then CN: one attribute per RDN, so each O reaches Node's peer certificate as its own value. */
function subjectName(commonName: string, organizations: string[] = []): x509.JsonName {
  const orgs = unique(organizations.map((o) => nonEmpty(o, 'organization')));
  return [...orgs.map((o) => ({ O: [o] })), { CN: [nonEmpty(commonName, 'common name')] }];
}

/** notBefore/notAfter from the request; a `days`-based end never reaches past the CA's own end. */
function validityWindow(v: CertificateValidity, caNotAfter?: Date): { notBefore: Date; notAfter: Date } {
  const now = v.now ?? new Date();
  const notBefore = v.notBefore ?? new Date(now.getTime() - backdateMs);
  let notAfter = v.notAfter;
  if (!notAfter) {
    const days = v.days ?? 365;
    if (!Number.isFinite(days) || days <= 0) throw new PkiError(`certificate validity must be a positive number of days, got ${days}`);
    notAfter = new Date(now.getTime() + days * dayMs);
    if (caNotAfter && notAfter > caNotAfter) notAfter = caNotAfter;
  }
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new PkiError('certificate validity dates must be valid dates');
  if (notAfter <= notBefore) throw new PkiError(`certificate would end (${notAfter.toISOString()}) before it begins (${notBefore.toISOString()})`);
  return { notBefore, notAfter };
}

/** 16 random bytes, positive and without a leading zero byte, as RFC 5280 asks of serial numbers. */
function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PkiError(`${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
