import { configmaps, type ConfigMap, type Secret } from '@skiff/api';
import { isNotFound, type Clock, type KubeClient, type Lister } from '@skiff/client';
import { clusterInfoKubeconfigKey, clusterInfoSignaturePrefix, signClusterInfo, verifyClusterInfoSignature } from '@skiff/pki';
import { bootstrapTokenNamespace, signingToken, tokenExpiration } from '../bootstraptoken/bootstrap-token-secret';

export interface BootstrapSignerDeps {
  client: KubeClient;
  configMaps: Lister<ConfigMap>;
  secrets: Lister<Secret>;
  clock: Clock;
  /** Looks at the key again after `ms`: when the next signing token expires, even if nobody deletes it. */
  requeueAfter(key: string, ms: number): void;
}

/**
 * Keys are the cluster-info ConfigMap's `namespace/name`. Its data gets a `jws-kubeconfig-<id>` signature of the
 * `kubeconfig` entry for each live bootstrap token with usage-bootstrap-signing, and loses those of tokens that are
 * gone, expired or no longer signing. A signature that still verifies is kept as it is.
 */
export async function reconcileClusterInfoSignatures(key: string, deps: BootstrapSignerDeps): Promise<void> {
  const [namespace, name] = key.split('/');
  const cm = deps.configMaps.get(namespace, name);
  const content = cm?.data?.[clusterInfoKubeconfigKey];
  if (!cm || content === undefined) return;
  const now = deps.clock.now();
  const wanted: Record<string, string> = {};
  let nextExpiry = Infinity;
  for (const secret of deps.secrets.listInNamespace(bootstrapTokenNamespace)) {
    const token = signingToken(secret, now);
    if (!token) continue;
    nextExpiry = Math.min(nextExpiry, tokenExpiration(secret)?.getTime() ?? Infinity);
    const entry = clusterInfoSignaturePrefix + token.id;
    const existing = cm.data?.[entry];
    wanted[entry] = existing && (await verifyClusterInfoSignature(content, existing, token.id, token.secret)) ? existing : await signClusterInfo(content, token.id, token.secret);
  }
  if (nextExpiry !== Infinity) deps.requeueAfter(key, nextExpiry - now);
  const data = Object.fromEntries(Object.entries(cm.data ?? {}).filter(([k]) => !k.startsWith(clusterInfoSignaturePrefix)));
  Object.assign(data, wanted);
  const same = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  if (same(data, cm.data ?? {})) return;
  try {
    // A write since the cache saw it fails with 409 and the queue retries with a fresh copy.
    await deps.client.update<ConfigMap>(configmaps, { ...cm, data });
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
}
