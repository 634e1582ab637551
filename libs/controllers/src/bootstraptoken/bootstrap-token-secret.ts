import type { Secret } from '@skiff/api';
import { bootstrapTokenKeys, bootstrapTokenNamespace, bootstrapTokenSecretPrefix, bootstrapTokenSecretType } from '@skiff/auth';

export { bootstrapTokenNamespace };

const tokenIdPattern = /^[a-z0-9]{6}$/;
const tokenSecretPattern = /^[a-z0-9]{16}$/;

/** A data value of the Secret, decoded (data is base64; stringData never reaches a stored object). */
export function secretValue(secret: Secret, key: string): string {
  const encoded = secret.data?.[key];
  return encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
}

export const isBootstrapTokenSecret = (secret: Secret) => secret.type === bootstrapTokenSecretType && secret.metadata.namespace === bootstrapTokenNamespace;

/**
 * When the token expires: undefined when it never does. An expiration that is not RFC 3339 counts as already past,
 * as in Kubernetes, so a mistyped date never makes a token live forever.
 */
export function tokenExpiration(secret: Secret): Date | undefined {
  const text = secretValue(secret, bootstrapTokenKeys.expiration);
  if (!text) return undefined;
  const valid = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = valid ? new Date(text) : new Date(0);
  return Number.isNaN(at.getTime()) ? new Date(0) : at;
}

export function isExpired(secret: Secret, now: number): boolean {
  const at = tokenExpiration(secret);
  return at !== undefined && at.getTime() <= now;
}

/** The token id and secret of a live token that may sign cluster-info, or undefined for any other Secret. */
export function signingToken(secret: Secret, now: number): { id: string; secret: string } | undefined {
  if (!isBootstrapTokenSecret(secret)) return undefined;
  const name = secret.metadata.name ?? '';
  const nameId = name.startsWith(bootstrapTokenSecretPrefix) ? name.slice(bootstrapTokenSecretPrefix.length) : '';
  const id = secretValue(secret, bootstrapTokenKeys.id);
  const tokenSecret = secretValue(secret, bootstrapTokenKeys.secret);
  if (!tokenIdPattern.test(nameId) || id !== nameId || !tokenSecretPattern.test(tokenSecret)) return undefined;
  if (isExpired(secret, now)) return undefined;
  if (secretValue(secret, bootstrapTokenKeys.usageSigning) !== 'true') return undefined;
  return { id, secret: tokenSecret };
}
