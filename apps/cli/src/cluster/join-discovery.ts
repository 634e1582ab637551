import https from 'node:https';
import type { BootstrapToken } from '@skiff/auth';
import { clusterInfoKubeconfigKey, clusterInfoName, clusterInfoNamespace, trustedClusterInfo } from '@skiff/pki';

export interface DiscoveryOptions {
  /** `https://host:port` of an apiserver, as given to `skiff join --server`. */
  server: string;
  token: BootstrapToken;
  /** `sha256:<hex>` pins of the cluster CA's public key; at least one unless `unsafeSkipCAVerification`. */
  caCertHashes: readonly string[];
  unsafeSkipCAVerification?: boolean;
  timeoutMs?: number;
}

/** GET cluster-info without credentials: first trusting any certificate (nothing is trusted yet), then only `caPem`. */
function readClusterInfo(server: string, caPem: string | undefined, timeoutMs: number): Promise<Record<string, string>> {
  const url = new URL(`/api/v1/namespaces/${clusterInfoNamespace}/configmaps/${clusterInfoName}`, server);
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...(caPem ? { ca: caPem } : { rejectUnauthorized: false }), timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) {
          let message = body.trim();
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            // Not a Status: keep the text.
          }
          reject(new Error(`reading ${clusterInfoNamespace}/${clusterInfoName} from ${server}: HTTP ${res.statusCode}${message ? `: ${message}` : ''}`));
          return;
        }
        try {
          resolve((JSON.parse(body) as { data?: Record<string, string> }).data ?? {});
        } catch (e) {
          reject(new Error(`reading ${clusterInfoNamespace}/${clusterInfoName} from ${server}: not JSON: ${(e as Error).message}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${server} within ${timeoutMs / 1000} s`)));
    req.on('error', (e) => reject(new Error(`cannot reach ${server}: ${e.message}`)));
  });
}

/**
 * kubeadm's token discovery: reads kube-public/cluster-info anonymously, trusts it only when the token's signature
 * over it verifies (the server knows the token) and its CA matches a pin (the server is that cluster), then reads it
 * again over TLS verified with that CA and checks nothing changed. Returns the CA to trust from now on.
 */
export async function discoverCluster(opts: DiscoveryOptions): Promise<{ caPem: string; advertisedServer: string }> {
  if (!opts.caCertHashes.length && !opts.unsafeSkipCAVerification) {
    throw new Error('give --discovery-token-ca-cert-hash sha256:<hex> (skiff token create --print-join-command prints it), or --discovery-token-unsafe-skip-ca-verification to trust the server unpinned');
  }
  for (const h of opts.caCertHashes) if (!/^sha256:[0-9a-fA-F]{64}$/.test(h)) throw new Error(`--discovery-token-ca-cert-hash ${h}: must be sha256: and 64 hex digits`);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const unverified = await readClusterInfo(opts.server, undefined, timeoutMs);
  const info = await trustedClusterInfo(unverified, opts.token, opts.caCertHashes);
  const verified = await readClusterInfo(opts.server, info.caPem, timeoutMs);
  if (verified[clusterInfoKubeconfigKey] !== unverified[clusterInfoKubeconfigKey]) {
    throw new Error(`${clusterInfoNamespace}/${clusterInfoName} changed between the unverified and the verified read; retry the join`);
  }
  return { caPem: info.caPem, advertisedServer: info.server };
}
