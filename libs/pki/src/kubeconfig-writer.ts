import { stringify } from 'yaml';
import { PkiError } from './errors';
import { secretFileMode, writeFileAtomic } from './files';

export interface KubeconfigSpec {
  /** The apiserver URL, e.g. https://127.0.0.1:6443. */
  server: string;
  /** The CA that signed the apiserver's serving certificate (PEM). */
  caPem: string;
  /** Client certificate and key (PEM), given together. */
  certPem?: string;
  keyPem?: string;
  /** A bearer token. */
  token?: string;
  /** Names of the user and cluster entries; the context is `<user>@<cluster>`. */
  user: string;
  cluster: string;
  namespace?: string;
}

/** A kubeconfig document with every credential embedded as base64 `*-data`, so the file stands alone. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  validate(spec);
  const context = `${spec.user}@${spec.cluster}`;
  const user: Record<string, string> = {};
  if (spec.certPem) user['client-certificate-data'] = base64(spec.certPem);
  if (spec.keyPem) user['client-key-data'] = base64(spec.keyPem);
  if (spec.token) user.token = spec.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: spec.cluster, cluster: { server: spec.server, 'certificate-authority-data': base64(spec.caPem) } }],
    users: [{ name: spec.user, user }],
    contexts: [{ name: context, context: { cluster: spec.cluster, user: spec.user, ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    'current-context': context,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600, since it holds a private key or a token. */
export function writeKubeconfig(file: string, spec: KubeconfigSpec): void {
  writeFileAtomic(file, kubeconfigYaml(spec), secretFileMode);
}

function validate(spec: KubeconfigSpec): void {
  let url: URL;
  try {
    url = new URL(spec.server);
  } catch {
    throw new PkiError(`kubeconfig server ${JSON.stringify(spec.server)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PkiError(`kubeconfig server ${spec.server} must be an https:// or http:// URL`);
  if (!spec.caPem?.includes('-----BEGIN CERTIFICATE-----')) throw new PkiError('kubeconfig caPem must be a PEM certificate');
  if (Boolean(spec.certPem) !== Boolean(spec.keyPem)) throw new PkiError('kubeconfig client certificate and key must be given together');
  if (spec.certPem && !spec.certPem.includes('-----BEGIN CERTIFICATE-----')) throw new PkiError('kubeconfig certPem must be a PEM certificate');
  if (spec.keyPem && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(spec.keyPem)) throw new PkiError('kubeconfig keyPem must be a PEM private key');
  if (spec.token !== undefined && (spec.token === '' || /\s/.test(spec.token))) throw new PkiError('kubeconfig token must be non-empty and without whitespace');
  for (const [what, name] of [['user', spec.user], ['cluster', spec.cluster]] as const) {
    if (typeof name !== 'string' || name === '') throw new PkiError(`kubeconfig ${what} name must be a non-empty string`);
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
