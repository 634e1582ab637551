import crypto from 'node:crypto';
import { serviceAccountUserName } from '@skiff/auth';
import type { SigningKey, VerificationKey } from './service-account-keys';

/** A name and uid in the `kubernetes.io` claim. */
export interface ClaimRef {
  name: string;
  uid?: string;
}

/** The private claim of a bound ServiceAccount token: who it is for and what it is bound to. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ClaimRef;
  pod?: ClaimRef;
  secret?: ClaimRef;
  node?: ClaimRef;
  /** An extended token (see extendedTokenExpirationSeconds) is used past this time only with a warning. */
  warnafter?: number;
}

/** The claims of a Kubernetes bound ServiceAccount token. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

/** What a new token names: the account (with its uid) and at most one of pod or secret or node, or a pod and its node. */
export interface TokenSubject {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  pod?: ClaimRef;
  secret?: ClaimRef;
  node?: ClaimRef;
}

export interface ClaimOptions {
  issuer: string;
  audiences: string[];
  expirationSeconds: number;
  now?: Date;
  jti?: string;
  /** Sets kubernetes.io.warnafter this many seconds after now. */
  warnAfterSeconds?: number;
}

/** The claims Kubernetes puts in a TokenRequest token: iat = nbf = now, exp = now + expiration, a random jti. */
export function serviceAccountClaims(subject: TokenSubject, opts: ClaimOptions): ServiceAccountClaims {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const k8s: KubernetesClaim = {
    namespace: subject.namespace,
    serviceaccount: { name: subject.serviceAccount.name, uid: subject.serviceAccount.uid },
    ...(subject.pod ? { pod: subject.pod } : {}),
    ...(subject.secret ? { secret: subject.secret } : {}),
    ...(subject.node ? { node: subject.node } : {}),
    ...(opts.warnAfterSeconds !== undefined ? { warnafter: now + opts.warnAfterSeconds } : {}),
  };
  return {
    aud: [...opts.audiences],
    exp: now + opts.expirationSeconds,
    iat: now,
    iss: opts.issuer,
    jti: opts.jti ?? crypto.randomUUID(),
    'kubernetes.io': k8s,
    nbf: now,
    sub: serviceAccountUserName(subject.namespace, subject.serviceAccount.name),
  };
}

// jose 6 ships only ES modules; CommonJS loads it with a dynamic import, once.
const importJose = () => import('jose');
let josePromise: ReturnType<typeof importJose> | undefined;
const loadJose = () => (josePromise ??= importJose());

/** Signs ServiceAccount tokens with `--service-account-signing-key-file`; the header names the key by `kid`. */
export class ServiceAccountTokenSigner {
  constructor(private readonly key: SigningKey) {}

  get keyId(): string {
    return this.key.kid;
  }

  async sign(claims: ServiceAccountClaims): Promise<string> {
    const { CompactSign } = await loadJose();
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: this.key.alg, kid: this.key.kid }).sign(this.key.key);
  }
}

export interface VerifierOptions {
  keys: readonly VerificationKey[];
  /** Tokens from these issuers are this verifier's; the first is the one new tokens carry. */
  issuers: readonly string[];
  /** A token must name at least one of these audiences (unless the caller names others). */
  apiAudiences: readonly string[];
  now?: () => Date;
}

/** `audiences`: those of the token's audiences that were asked for. */
export type VerifyResult = { ok: true; claims: ServiceAccountClaims; audiences: string[] } | { ok: false; reason: string };

/** Clock skew forgiven on exp and nbf, as Kubernetes' JWT validation allows. */
export const clockLeewaySeconds = 60;

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/**
 * Checks ServiceAccount JWTs: the signature against the configured keys, then issuer, audience, expiry and the
 * shape of the claims. A bearer token that is not a JWT, or a JWT from another issuer, is not this verifier's
 * (undefined), so the authentication chain may say why no authenticator took it.
 */
export class ServiceAccountTokenVerifier {
  constructor(private readonly opts: VerifierOptions) {}

  /** `audiences`: what the token must be for; the API audiences unless a TokenReview names others. */
  async verify(token: string, audiences: readonly string[] = this.opts.apiAudiences): Promise<VerifyResult | undefined> {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: { alg?: unknown; kid?: unknown };
    let payload: Record<string, unknown>;
    try {
      header = decodeSegment(parts[0]) as typeof header;
      payload = decodeSegment(parts[1]) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null || typeof payload.iss !== 'string' || !this.opts.issuers.includes(payload.iss)) return undefined;
    if (!(await this.signatureVerifies(token, header))) return { ok: false, reason: 'invalid signature' };
    return this.checkClaims(payload, audiences);
  }

  private async signatureVerifies(token: string, header: { alg?: unknown; kid?: unknown }): Promise<boolean> {
    const { compactVerify } = await loadJose();
    // Keys of the token's algorithm, the one its kid names first; a token without a kid tries them all.
    const candidates = this.opts.keys.filter((k) => k.alg === header.alg).sort((a, b) => Number(b.kid === header.kid) - Number(a.kid === header.kid));
    for (const k of candidates) {
      try {
        await compactVerify(token, k.key, { algorithms: [k.alg] });
        return true;
      } catch {
        // try the next key
      }
    }
    return false;
  }

  private checkClaims(p: Record<string, unknown>, audiences: readonly string[]): VerifyResult {
    const now = Math.floor((this.opts.now?.() ?? new Date()).getTime() / 1000);
    if (typeof p.exp !== 'number') return { ok: false, reason: 'service account token has no expiry' };
    if (now > p.exp + clockLeewaySeconds) return { ok: false, reason: 'service account token has expired' };
    if (typeof p.nbf === 'number' && now < p.nbf - clockLeewaySeconds) return { ok: false, reason: 'service account token is not valid yet' };
    if (typeof p.iat === 'number' && now < p.iat - clockLeewaySeconds) return { ok: false, reason: 'service account token was issued in the future' };
    const aud = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) ? p.aud.filter((a): a is string => typeof a === 'string') : [];
    const matching = aud.filter((a) => audiences.includes(a));
    if (!matching.length) return { ok: false, reason: `token audiences ${JSON.stringify(aud)} is invalid for the target audiences ${JSON.stringify(audiences)}` };
    const k8s = p['kubernetes.io'] as Partial<KubernetesClaim> | undefined;
    if (!k8s || typeof k8s.namespace !== 'string' || !k8s.namespace || typeof k8s.serviceaccount?.name !== 'string' || !k8s.serviceaccount.name) {
      return { ok: false, reason: 'service account token has no kubernetes.io namespace and service account claims' };
    }
    if (p.sub !== serviceAccountUserName(k8s.namespace, k8s.serviceaccount.name)) return { ok: false, reason: 'service account token subject does not match its kubernetes.io claim' };
    return { ok: true, claims: { ...(p as unknown as ServiceAccountClaims), aud }, audiences: matching };
  }
}
