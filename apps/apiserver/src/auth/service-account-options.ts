import { maxTokenExpirationSeconds } from '@skiff/api';
import { loadSigningKey, loadVerificationKeys, type SigningKey, type VerificationKey } from './service-account-keys';

/** The issuer Kubernetes clusters conventionally use, and Skiff's default. */
export const defaultServiceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

/** How ServiceAccount tokens are issued (TokenRequest) and checked (authentication). */
export interface ServiceAccountTokenConfig {
  /** Tokens from any of these are accepted; the first is the `iss` of new tokens. */
  issuers: string[];
  /** A token must be for one of these audiences to authenticate; TokenRequest's default audiences. */
  apiAudiences: string[];
  /** `--service-account-key-file` (or the signing key's public half when none is given). */
  verificationKeys: VerificationKey[];
  /** `--service-account-signing-key-file`: without it serviceaccounts/token is not served. */
  signingKey?: SigningKey;
  /** `--service-account-max-token-expiration`: longer requests are shortened to this. */
  maxExpirationSeconds?: number;
  /**
   * `--service-account-extend-token-expiration`: pod-bound tokens asked for with the kubelet's default 3607 s
   * for the API audiences are valid this long (a year, or the max expiration if longer), with a warnafter at 3607 s.
   */
  extendedExpirationSeconds?: number;
  /** `--service-account-jwks-uri`: the jwks_uri of OIDC discovery; default this apiserver's advertised address. */
  jwksUri?: string;
}

/** The lifetime (1 h 7 s) that marks a kubelet's default projected token, which --service-account-extend-token-expiration extends. */
export const warnOnlyTokenExpirationSeconds = 3607;
const extensionSeconds = 365 * 24 * 3600;

/** The ServiceAccount flags as commander parsed them. */
export interface ServiceAccountFlags {
  serviceAccountKeyFile?: string[];
  serviceAccountSigningKeyFile?: string;
  serviceAccountIssuer?: string[];
  apiAudiences?: string;
  /** Seconds. */
  serviceAccountMaxTokenExpiration?: number;
  /** Default true, as in Kubernetes. */
  serviceAccountExtendTokenExpiration?: boolean;
  serviceAccountJwksUri?: string;
}

/** The ServiceAccount flags given on the command line, by name. */
export function serviceAccountFlagsGiven(f: ServiceAccountFlags): string[] {
  return [
    f.serviceAccountKeyFile?.length && '--service-account-key-file',
    f.serviceAccountSigningKeyFile !== undefined && '--service-account-signing-key-file',
    f.serviceAccountIssuer?.length && '--service-account-issuer',
    f.apiAudiences !== undefined && '--api-audiences',
    f.serviceAccountMaxTokenExpiration !== undefined && '--service-account-max-token-expiration',
    f.serviceAccountJwksUri !== undefined && '--service-account-jwks-uri',
  ].filter((x): x is string => typeof x === 'string');
}

// Kubernetes' rule: an issuer is a URL (https for OIDC discovery) or a plain string without a colon.
function checkIssuer(issuer: string): void {
  if (!issuer) throw new Error('--service-account-issuer must not be empty');
  if (!issuer.includes(':')) return;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`--service-account-issuer "${issuer}" contains a ':' but is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--service-account-issuer "${issuer}" must be an https URL or a string without ':'`);
}

/**
 * Checks the ServiceAccount flags and reads the keys they name. Undefined when neither a verification nor a
 * signing key is given (ServiceAccount tokens are off). Throws an Error whose message is the one line to print.
 */
export function serviceAccountTokensFromFlags(f: ServiceAccountFlags): ServiceAccountTokenConfig | undefined {
  const issuers = f.serviceAccountIssuer?.length ? [...new Set(f.serviceAccountIssuer)] : [defaultServiceAccountIssuer];
  issuers.forEach(checkIssuer);
  const apiAudiences = f.apiAudiences !== undefined ? f.apiAudiences.split(',').map((a) => a.trim()).filter(Boolean) : issuers;
  if (!apiAudiences.length) throw new Error('--api-audiences must name at least one audience');
  const max = f.serviceAccountMaxTokenExpiration;
  if (max !== undefined && (max < 3600 || max > maxTokenExpirationSeconds)) {
    throw new Error('--service-account-max-token-expiration must be between 1 hour and 2^32 seconds');
  }
  const keyFiles = f.serviceAccountKeyFile ?? [];
  if (!keyFiles.length && f.serviceAccountSigningKeyFile === undefined) {
    const orphan = serviceAccountFlagsGiven(f);
    if (orphan.length) throw new Error(`${orphan.join(', ')} needs --service-account-signing-key-file or --service-account-key-file`);
    return undefined;
  }
  const extend = f.serviceAccountExtendTokenExpiration ?? true;
  if (extend && max !== undefined && max < warnOnlyTokenExpirationSeconds) {
    throw new Error(`--service-account-extend-token-expiration is true, so --service-account-max-token-expiration must be at least ${warnOnlyTokenExpirationSeconds} seconds (it is ${max}); or give --service-account-extend-token-expiration=false`);
  }
  if (f.serviceAccountJwksUri !== undefined && !/^https:\/\/[^/]/.test(f.serviceAccountJwksUri)) throw new Error(`--service-account-jwks-uri "${f.serviceAccountJwksUri}" must be an https URL`);
  const signingKey = f.serviceAccountSigningKeyFile !== undefined ? loadSigningKey(f.serviceAccountSigningKeyFile) : undefined;
  let verificationKeys = loadVerificationKeys(keyFiles);
  if (signingKey) {
    if (!verificationKeys.length) verificationKeys = [{ key: signingKey.publicKey, alg: signingKey.alg, kid: signingKey.kid }];
    else if (!verificationKeys.some((k) => k.kid === signingKey.kid)) {
      throw new Error('--service-account-signing-key-file: its public key is not among the --service-account-key-file keys, so the tokens it signs would not authenticate');
    }
  }
  return {
    issuers,
    apiAudiences,
    verificationKeys,
    ...(signingKey ? { signingKey } : {}),
    ...(max !== undefined ? { maxExpirationSeconds: max } : {}),
    ...(extend ? { extendedExpirationSeconds: Math.max(extensionSeconds, max ?? 0) } : {}),
    ...(f.serviceAccountJwksUri !== undefined ? { jwksUri: f.serviceAccountJwksUri } : {}),
  };
}
