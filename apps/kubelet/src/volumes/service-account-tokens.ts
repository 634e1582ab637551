import type { Clock } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import type { TokenRequest, TokenRequestSpec } from '@skiff/api';

/** Asks the apiserver for a token of one ServiceAccount (POST serviceaccounts/<name>/token). */
export type TokenRequester = (namespace: string, serviceAccount: string, request: TokenRequest) => Promise<TokenRequest>;

/** A token the apiserver issued: its text, when it expires, and the lifetime it was issued for. */
export interface IssuedToken {
  token: string;
  expiresAtMs: number;
  expirationSeconds: number;
}

export interface ServiceAccountTokensOptions {
  clock: Clock;
  logger?: Logger;
  /** Up to how much earlier than the 80% / 24 h marks a token is refreshed, so pods do not refresh in step; default random in [0, 10 s). */
  jitterMs?: () => number;
}

/** A token is refreshed once it is this old, however long it is valid for. */
const maxTokenAgeMs = 24 * 3600_000;
const maxJitterMs = 10_000;
/** How often expired tokens are dropped from the cache. */
const sweepIntervalMs = 60_000;

/**
 * The kubelet's service-account tokens, as Kubernetes' token manager keeps them: one per namespace, account,
 * audiences, lifetime and bound pod, requested through the TokenRequest API and reused until 80% of its lifetime
 * (or 24 h) has passed. When a refresh fails the old token is used while it is still valid. A pod's tokens are
 * dropped when the pod goes.
 */
export class ServiceAccountTokens {
  private readonly tokens = new Map<string, { podUid: string; issued: IssuedToken }>();
  private readonly inFlight = new Map<string, Promise<IssuedToken>>();
  private readonly jitterMs: () => number;
  private lastSweepMs: number;

  constructor(
    private readonly request: TokenRequester,
    private readonly opts: ServiceAccountTokensOptions,
  ) {
    this.jitterMs = opts.jitterMs ?? (() => Math.random() * maxJitterMs);
    this.lastSweepMs = opts.clock.now();
  }

  /** The token for the request, from the cache when it is fresh enough. Throws when none can be had. */
  async get(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<IssuedToken> {
    const key = cacheKey(namespace, serviceAccount, spec);
    const cached = this.tokens.get(key)?.issued;
    this.sweep();
    if (cached && !this.needsRefresh(cached)) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(namespace, serviceAccount, spec).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    try {
      const issued = await pending;
      this.tokens.set(key, { podUid: spec.boundObjectRef?.uid ?? '', issued });
      return issued;
    } catch (err) {
      const why = (err as Error).message;
      if (!cached) throw new Error(`failed to fetch token: ${why}`);
      if (this.opts.clock.now() >= cached.expiresAtMs) throw new Error(`token for service account ${namespace}/${serviceAccount} expired and refresh failed: ${why}`);
      this.opts.logger?.warn('could not refresh a service account token; the current one is still valid', { serviceAccount: `${namespace}/${serviceAccount}`, error: why });
      return cached;
    }
  }

  /** Forgets the tokens bound to a pod that is gone. */
  forgetPod(podUid: string): void {
    for (const [key, entry] of this.tokens) if (entry.podUid === podUid) this.tokens.delete(key);
  }

  /** How many tokens are cached. */
  get size(): number {
    return this.tokens.size;
  }

  /** Past 80% of its lifetime (less the jitter), or older than 24 h. */
  private needsRefresh(t: IssuedToken): boolean {
    const now = this.opts.clock.now();
    const lifetimeMs = t.expirationSeconds * 1000;
    const issuedAtMs = t.expiresAtMs - lifetimeMs;
    const jitter = this.jitterMs();
    return now >= issuedAtMs + maxTokenAgeMs - jitter || now >= t.expiresAtMs - lifetimeMs * 0.2 - jitter;
  }

  private async fetch(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<IssuedToken> {
    const answer = await this.request(namespace, serviceAccount, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec });
    const token = answer.status?.token;
    const expiresAtMs = Date.parse(answer.status?.expirationTimestamp ?? '');
    if (!token || Number.isNaN(expiresAtMs)) throw new Error('the TokenRequest answer has no status.token and expirationTimestamp');
    return { token, expiresAtMs, expirationSeconds: answer.spec?.expirationSeconds ?? spec.expirationSeconds ?? 3600 };
  }

  private sweep(): void {
    const now = this.opts.clock.now();
    if (now - this.lastSweepMs < sweepIntervalMs) return;
    this.lastSweepMs = now;
    for (const [key, entry] of this.tokens) if (now >= entry.issued.expiresAtMs) this.tokens.delete(key);
  }
}

function cacheKey(namespace: string, serviceAccount: string, spec: TokenRequestSpec): string {
  const ref = spec.boundObjectRef;
  return JSON.stringify([namespace, serviceAccount, spec.audiences ?? [], spec.expirationSeconds ?? null, ref?.kind ?? '', ref?.name ?? '', ref?.uid ?? '']);
}
