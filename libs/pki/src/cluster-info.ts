import { parse, stringify } from 'yaml';
import { PkiError } from './errors';
import { caCertHash } from './request-signing';

/** Where kubeadm (and Skiff) publish what a joining node needs before it has credentials. */
export const clusterInfoNamespace = 'kube-public';
export const clusterInfoName = 'cluster-info';
export const clusterInfoKubeconfigKey = 'kubeconfig';
/** Each bootstrap token that may sign adds `jws-kubeconfig-<token id>` to the ConfigMap's data. */
export const clusterInfoSignaturePrefix = 'jws-kubeconfig-';

/**
 * The kubeconfig kubeadm keeps in cluster-info: one unnamed cluster with the apiserver's URL and CA, no users or
 * contexts. The bootstrap signer signs this text byte for byte.
 */
export function clusterInfoKubeconfig(server: string, caPem: string): string {
  if (!/^https:\/\//.test(server)) throw new PkiError(`cluster-info server must be an https:// URL, got ${JSON.stringify(server)}`);
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) throw new PkiError('cluster-info CA is not a PEM certificate');
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caPem, 'utf8').toString('base64'), server }, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: null,
  });
}

/** The server URL and CA (PEM) in a cluster-info kubeconfig. */
export function readClusterInfoKubeconfig(kubeconfig: string): { server: string; caPem: string } {
  let doc: { clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[] };
  try {
    doc = parse(kubeconfig) ?? {};
  } catch (e) {
    throw new PkiError(`cluster-info kubeconfig is not YAML: ${(e as Error).message}`);
  }
  const cluster = doc.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster['certificate-authority-data']) throw new PkiError('cluster-info kubeconfig has no cluster with a server and certificate-authority-data');
  return { server: cluster.server, caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8') };
}

// jose 6 ships only ES modules; CommonJS loads it with a dynamic import, once.
const importJose = () => import('jose');
let josePromise: ReturnType<typeof importJose> | undefined;
const loadJose = () => (josePromise ??= importJose());

const encoder = new TextEncoder();

/**
 * The detached JWS (RFC 7515 appendix F: `header..signature`) the bootstrap signer puts beside cluster-info's
 * kubeconfig: HS256 keyed with the token secret, the token id as `kid`, as Kubernetes' bootstrap signer computes it.
 */
export async function signClusterInfo(content: string, tokenId: string, tokenSecret: string): Promise<string> {
  const { CompactSign } = await loadJose();
  const jws = await new CompactSign(encoder.encode(content)).setProtectedHeader({ alg: 'HS256', kid: tokenId }).sign(encoder.encode(tokenSecret));
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

/** Whether `detached` is a valid HS256 signature over `content` by the token `tokenId`.`tokenSecret`; anything malformed is false. */
export async function verifyClusterInfoSignature(content: string, detached: string, tokenId: string, tokenSecret: string): Promise<boolean> {
  const parts = detached.split('.');
  if (parts.length !== 3 || parts[1] !== '') return false;
  const { compactVerify, base64url } = await loadJose();
  try {
    const { protectedHeader } = await compactVerify(`${parts[0]}.${base64url.encode(content)}.${parts[2]}`, encoder.encode(tokenSecret), { algorithms: ['HS256'] });
    return protectedHeader.kid === undefined || protectedHeader.kid === tokenId;
  } catch {
    return false;
  }
}

/**
 * What kubeadm's token discovery does with the cluster-info ConfigMap a joining node read without credentials: the
 * `jws-kubeconfig-<token id>` signature must verify with the token (proving the server knows the token), and, when
 * pins are given, the CA inside must match one of them (`sha256:<hex>` of its SubjectPublicKeyInfo). Returns the
 * server URL and the CA to trust from now on.
 */
export async function trustedClusterInfo(
  data: Record<string, string> | undefined,
  token: { id: string; secret: string },
  caCertHashes: readonly string[] = [],
): Promise<{ server: string; caPem: string }> {
  const kubeconfig = data?.[clusterInfoKubeconfigKey];
  if (kubeconfig === undefined) throw new PkiError(`the ${clusterInfoName} ConfigMap has no ${clusterInfoKubeconfigKey} entry`);
  const signature = data?.[clusterInfoSignaturePrefix + token.id];
  if (signature === undefined) {
    throw new PkiError(`there is no JWS signed token in the ${clusterInfoName} ConfigMap. This token id "${token.id}" is invalid for this cluster, can't connect`);
  }
  if (!(await verifyClusterInfoSignature(kubeconfig, signature, token.id, token.secret))) {
    throw new PkiError("failed to verify JWS signature of received cluster info object, can't trust this API Server");
  }
  const info = readClusterInfoKubeconfig(kubeconfig);
  if (caCertHashes.length) {
    const actual = caCertHash(info.caPem);
    const wanted = caCertHashes.map((h) => h.toLowerCase());
    if (!wanted.includes(actual)) throw new PkiError(`cluster CA found in ${clusterInfoName} ConfigMap is not trusted: its public key ${actual} is not one of the pinned ${wanted.join(', ')}`);
  }
  return info;
}
