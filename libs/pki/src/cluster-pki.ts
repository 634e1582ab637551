import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkCertificate, type KeyPurpose } from './certificate-info';
import { caCertFileName, caKeyFileName, ClusterCA } from './cluster-ca';
import { PkiError } from './errors';
import { publicFileMode, readIfExists, secretFileMode, writeFileAtomic } from './files';
import {
  adminIdentity,
  apiserverKubeletClientIdentity,
  type ClientIdentity,
  controllerManagerIdentity,
  nodeIdentity,
  proxyIdentity,
  schedulerIdentity,
} from './identities';
import { generateSigningKey, importSigningKey, publicKeyPemOf } from './keys';
import { isDnsSubdomain } from './names';

const dayMs = 86_400_000;

export interface ClusterPkiOptions {
  /** The single node's name; default the host name in lower case. */
  nodeName?: string;
  /** Addresses the node and the apiserver on it are reached at (besides loopback). */
  nodeIPs?: string[];
  /** Extra names and addresses for the apiserver's certificate (a load balancer, a public name). */
  apiserverDnsNames?: string[];
  apiserverIPs?: string[];
  /** The `kubernetes` Service's ClusterIP: the service range's first address. Default 10.96.0.1. */
  serviceClusterIP?: string;
  /** Default cluster.local. */
  clusterDomain?: string;
  /** Validity of the certificates issued; default 365 days. */
  days?: number;
  /** A certificate that expires sooner than this is reissued; default 30 days. */
  renewBeforeDays?: number;
  /** The moment to judge expiry at; default now. */
  now?: Date;
}

export const clusterCertificateNames = [
  'apiserver',
  'apiserver-kubelet-client',
  'kubelet',
  'kubelet-client',
  'kube-scheduler',
  'kube-controller-manager',
  'kube-proxy',
  'admin',
] as const;
export type ClusterCertificateName = (typeof clusterCertificateNames)[number];

/**
 * etcd's certificates, from a CA of its own (`etcd/ca.crt`) as kubeadm lays them out: each member serves clients and
 * peers with `etcd/server` and `etcd/peer` (both also client certificates: members dial each other), health checks
 * use `etcd/healthcheck-client`, the apiserver `apiserver-etcd-client`. A CA of its own, because etcd lets in any
 * certificate its CA signed, and the cluster CA also signs what kubelets ask for.
 */
export const etcdCertificateNames = ['etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client'] as const;
export type EtcdCertificateName = (typeof etcdCertificateNames)[number];
export const etcdCADirName = 'etcd';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/** A file written by ensureClusterPki and why. */
export interface PkiChange {
  file: string;
  reason: string;
}

export interface ClusterPki {
  dir: string;
  ca: ClusterCA;
  caCertFile: string;
  caKeyFile: string;
  certificates: Record<ClusterCertificateName, CertificateFiles>;
  /** etcd's CA (in `etcd/`) and the certificates it signed. */
  etcd: { ca: ClusterCA; caCertFile: string; caKeyFile: string; certificates: Record<EtcdCertificateName, CertificateFiles> };
  /** The key pair ServiceAccount tokens are signed (sa.key, PKCS#8) and verified (sa.pub, SPKI) with: ES256. */
  serviceAccountKey: { privateKeyFile: string; publicKeyFile: string; privateKeyPem: string; publicKeyPem: string };
  /** Empty when everything on disk was reused. */
  changes: PkiChange[];
}

/** One certificate of the layout: what it is for and who it names. */
interface PlannedCertificate<Name extends string = ClusterCertificateName> {
  name: Name;
  purpose: KeyPurpose;
  /** A serving certificate that is also a client certificate. */
  alsoClientAuth?: boolean;
  commonName: string;
  organizations: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
}

export const serviceAccountKeyFileName = 'sa.key';
export const serviceAccountPublicKeyFileName = 'sa.pub';

/**
 * Makes `dir` hold everything a single-machine cluster needs: the CA, the apiserver's and the kubelet's serving
 * certificates, a client certificate per component, etcd's CA and certificates, and the ServiceAccount signing key. What is on disk and still
 * fit is kept, so a second call writes nothing; a certificate that is missing, unreadable, not from this CA,
 * expiring within `renewBeforeDays`, or whose subject or SANs differ from what is asked is issued again.
 */
export async function ensureClusterPki(dir: string, opts: ClusterPkiOptions = {}): Promise<ClusterPki> {
  const now = opts.now ?? new Date();
  const changes: PkiChange[] = [];
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const ca = await loadUsableCA(dir, 'the cluster CA', 'skiff-ca', now, changes);

  const certificates = await ensureLeafCertificates(dir, ca, planCertificates(opts), opts, now, changes);
  const etcd = await ensureEtcdPki(dir, opts, now, changes);
  const serviceAccountKey = await ensureServiceAccountKey(dir, changes);
  return { dir, ca, caCertFile: path.join(dir, caCertFileName), caKeyFile: path.join(dir, caKeyFileName), certificates, etcd, serviceAccountKey, changes };
}

/** Loads (or makes) a CA in `dir`; an expired one is an error, since replacing it would void everything it signed. */
async function loadUsableCA(dir: string, what: string, commonName: string, now: Date, changes: PkiChange[], prefix = ''): Promise<ClusterCA> {
  const { ca, created } = await ClusterCA.loadOrCreate(dir, { now, commonName });
  if (created) changes.push({ file: prefix + caCertFileName, reason: 'created' });
  if (ca.notAfter <= now) {
    throw new PkiError(`${what} in ${dir} expired at ${ca.notAfter.toISOString()}; remove ca.crt and ca.key to make a new one (everything it signed must then be made again)`);
  }
  return ca;
}

/**
 * Each planned certificate as `<dir>/<name>.crt` and `.key`: kept when it is from `ca`, fit for its purpose, subject
 * and SANs and not expiring within `renewBeforeDays`; issued again otherwise.
 */
async function ensureLeafCertificates<Name extends string>(dir: string, ca: ClusterCA, plans: PlannedCertificate<Name>[], opts: ClusterPkiOptions, now: Date, changes: PkiChange[]): Promise<Record<Name, CertificateFiles>> {
  const minRemainingMs = (opts.renewBeforeDays ?? 30) * dayMs;
  const certificates = {} as Record<Name, CertificateFiles>;
  const reissued = await Promise.all(
    plans.map(async (plan): Promise<PkiChange | undefined> => {
      const certFile = path.join(dir, `${plan.name}.crt`);
      const keyFile = path.join(dir, `${plan.name}.key`);
      const certPem = readIfExists(certFile);
      const keyPem = readIfExists(keyFile);
      let reason = 'missing';
      if (certPem !== undefined && keyPem !== undefined) {
        const check = checkCertificate(certPem, ca.certPem, { ...plan, keyPem, now, minRemainingMs });
        if (check.ok && (!plan.alsoClientAuth || check.info.purposes.includes('clientAuth'))) {
          certificates[plan.name] = { certFile, keyFile, certPem, keyPem };
          return undefined;
        }
        reason = check.ok ? 'not usable for clientAuth' : check.reason;
      }
      const request = { ...plan, days: opts.days, now };
      const issued = plan.purpose === 'serverAuth' ? await ca.issueServing(request) : await ca.issueClient(request);
      fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileAtomic(keyFile, issued.keyPem, secretFileMode);
      writeFileAtomic(certFile, issued.certPem, publicFileMode);
      certificates[plan.name] = { certFile, keyFile, certPem: issued.certPem, keyPem: issued.keyPem };
      return { file: `${plan.name}.crt`, reason };
    }),
  );
  for (const change of reissued) if (change) changes.push(change);
  return certificates;
}

/** etcd's CA in `<dir>/etcd` and the certificates of etcdCertificateNames. */
async function ensureEtcdPki(dir: string, opts: ClusterPkiOptions, now: Date, changes: PkiChange[]): Promise<ClusterPki['etcd']> {
  const caDir = path.join(dir, etcdCADirName);
  fs.mkdirSync(caDir, { recursive: true, mode: 0o700 });
  const ca = await loadUsableCA(caDir, "etcd's CA", 'etcd-ca', now, changes, `${etcdCADirName}/`);
  const nodeName = nodeNameOf(opts);
  const member = { purpose: 'serverAuth' as const, alsoClientAuth: true, commonName: nodeName, organizations: [], dnsNames: ['localhost', nodeName], ipAddresses: ['127.0.0.1', '::1', ...(opts.nodeIPs ?? [])] };
  const plans: PlannedCertificate<EtcdCertificateName>[] = [
    { name: 'etcd/server', ...member },
    { name: 'etcd/peer', ...member },
    { name: 'etcd/healthcheck-client', purpose: 'clientAuth', commonName: 'kube-etcd-healthcheck-client', organizations: [] },
    { name: 'apiserver-etcd-client', purpose: 'clientAuth', commonName: 'kube-apiserver-etcd-client', organizations: [] },
  ];
  const certificates = await ensureLeafCertificates(dir, ca, plans, opts, now, changes);
  return { ca, caCertFile: path.join(caDir, caCertFileName), caKeyFile: path.join(caDir, caKeyFileName), certificates };
}

/** The names the apiserver is dialled by: in-cluster Service names, loopback, the node, the `kubernetes` ClusterIP. */
export function apiserverSubjectAltNames(opts: ClusterPkiOptions = {}): { dnsNames: string[]; ipAddresses: string[] } {
  const domain = opts.clusterDomain ?? 'cluster.local';
  return {
    dnsNames: [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      `kubernetes.default.svc.${domain}`,
      'localhost',
      nodeNameOf(opts),
      ...(opts.apiserverDnsNames ?? []),
    ],
    ipAddresses: ['127.0.0.1', '::1', opts.serviceClusterIP ?? '10.96.0.1', ...(opts.nodeIPs ?? []), ...(opts.apiserverIPs ?? [])],
  };
}

function planCertificates(opts: ClusterPkiOptions): PlannedCertificate[] {
  const nodeName = nodeNameOf(opts);
  const node = nodeIdentity(nodeName);
  const client = (name: ClusterCertificateName, id: ClientIdentity): PlannedCertificate => ({ name, purpose: 'clientAuth', ...id });
  return [
    { name: 'apiserver', purpose: 'serverAuth', commonName: 'kube-apiserver', organizations: [], ...apiserverSubjectAltNames(opts) },
    // The kubelet's serving certificate takes the subject a kubelet-serving CSR must have in Kubernetes.
    { name: 'kubelet', purpose: 'serverAuth', ...node, dnsNames: [nodeName, 'localhost'], ipAddresses: ['127.0.0.1', ...(opts.nodeIPs ?? [])] },
    client('apiserver-kubelet-client', apiserverKubeletClientIdentity),
    client('kubelet-client', node),
    client('kube-scheduler', schedulerIdentity),
    client('kube-controller-manager', controllerManagerIdentity),
    client('kube-proxy', proxyIdentity),
    client('admin', adminIdentity),
  ];
}

/** Reuses sa.key (rewriting sa.pub from it if needed); a broken sa.key is an error, since replacing it would void every token. */
async function ensureServiceAccountKey(dir: string, changes: PkiChange[]): Promise<ClusterPki['serviceAccountKey']> {
  const privateKeyFile = path.join(dir, serviceAccountKeyFileName);
  const publicKeyFile = path.join(dir, serviceAccountPublicKeyFileName);
  let privateKeyPem = readIfExists(privateKeyFile);
  if (privateKeyPem === undefined) {
    privateKeyPem = (await generateSigningKey()).privateKeyPem;
    writeFileAtomic(privateKeyFile, privateKeyPem, secretFileMode);
    changes.push({ file: serviceAccountKeyFileName, reason: 'created' });
  } else {
    await importSigningKey(privateKeyPem, `ServiceAccount signing key ${privateKeyFile}`);
  }
  const publicKeyPem = publicKeyPemOf(privateKeyPem);
  if (readIfExists(publicKeyFile) !== publicKeyPem) {
    writeFileAtomic(publicKeyFile, publicKeyPem, publicFileMode);
    changes.push({ file: serviceAccountPublicKeyFileName, reason: 'derived from sa.key' });
  }
  return { privateKeyFile, publicKeyFile, privateKeyPem, publicKeyPem };
}

function nodeNameOf(opts: ClusterPkiOptions): string {
  const name = opts.nodeName ?? os.hostname().toLowerCase();
  if (!isDnsSubdomain(name)) {
    throw new PkiError(`node name ${JSON.stringify(name)} is not a DNS subdomain (lower-case letters, digits, '-' and '.'); pass nodeName`);
  }
  return name;
}
