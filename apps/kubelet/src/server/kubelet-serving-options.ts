import tls from 'node:tls';
import { readPemFlagFile } from '@skiff/pki';
import type { KubeletServingCertificate } from './kubelet-server';

export type KubeletAuthorizationMode = 'AlwaysAllow' | 'Webhook';

/** How the kubelet API is served: its certificate, and how requests on it are authenticated and authorized. */
export interface KubeletServing {
  /** HTTPS with this certificate; plain HTTP (no authentication) without it. */
  tls?: KubeletServingCertificate;
  anonymous: boolean;
  authorizationMode: KubeletAuthorizationMode;
  webhookAuthorizedTtlMs: number;
  webhookUnauthorizedTtlMs: number;
  /** `--authentication-token-webhook`: bearer tokens are checked with a TokenReview. */
  tokenWebhook: boolean;
  tokenWebhookCacheTtlMs: number;
}

export interface KubeletServingFlags {
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  anonymousAuth?: boolean;
  authorizationMode: string;
  authorizationWebhookCacheAuthorizedTtl: number;
  authorizationWebhookCacheUnauthorizedTtl: number;
  authenticationTokenWebhook?: boolean;
  authenticationTokenWebhookCacheTtl?: number;
}


/**
 * Checks the serving flags and reads the files they name; throws an Error whose message is the one line to print.
 * Authentication and authorization need HTTPS, so their flags without a certificate are refused rather than
 * silently serving everyone. `--anonymous-auth` defaults to false once client certificates are verified.
 */
export function kubeletServingFromFlags(f: KubeletServingFlags): KubeletServing {
  const mode = f.authorizationMode;
  if (mode !== 'AlwaysAllow' && mode !== 'Webhook') throw new Error(`--authorization-mode: unknown mode "${mode}" (supported: AlwaysAllow, Webhook)`);
  const common = {
    authorizationMode: mode,
    webhookAuthorizedTtlMs: f.authorizationWebhookCacheAuthorizedTtl,
    webhookUnauthorizedTtlMs: f.authorizationWebhookCacheUnauthorizedTtl,
    tokenWebhook: f.authenticationTokenWebhook === true,
    tokenWebhookCacheTtlMs: f.authenticationTokenWebhookCacheTtl ?? 120_000,
  } as const;
  if (f.tlsCertFile === undefined && f.tlsPrivateKeyFile === undefined) {
    const needing = [
      f.clientCaFile !== undefined && '--client-ca-file',
      f.anonymousAuth !== undefined && '--anonymous-auth',
      mode !== 'AlwaysAllow' && `--authorization-mode=${mode}`,
      f.authenticationTokenWebhook && '--authentication-token-webhook',
    ].filter(Boolean);
    if (needing.length) throw new Error(`${needing.join(', ')} needs HTTPS: give --tls-cert-file and --tls-private-key-file too`);
    return { ...common, anonymous: true };
  }
  if (f.tlsCertFile === undefined || f.tlsPrivateKeyFile === undefined) throw new Error('--tls-cert-file and --tls-private-key-file go together');
  const serving: KubeletServingCertificate = {
    certPem: readPemFlagFile(f.tlsCertFile, '--tls-cert-file'),
    keyPem: readPemFlagFile(f.tlsPrivateKeyFile, '--tls-private-key-file'),
    ...(f.clientCaFile !== undefined ? { clientCaPem: readPemFlagFile(f.clientCaFile, '--client-ca-file') } : {}),
  };
  try {
    // A key that does not belong to the certificate is found now, not at the first connection.
    tls.createSecureContext({ cert: serving.certPem, key: serving.keyPem, ca: serving.clientCaPem });
  } catch (e) {
    throw new Error(`--tls-cert-file, --tls-private-key-file, --client-ca-file: ${(e as Error).message}`);
  }
  return { ...common, tls: serving, anonymous: f.anonymousAuth ?? f.clientCaFile === undefined };
}
