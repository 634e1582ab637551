import { createHash } from 'node:crypto';
import type { TokenReview } from '@skiff/api';
import type { UserInfo } from '@skiff/auth';
import { ExpiringCache } from './expiring-cache';

/** Sends a TokenReview and returns the apiserver's answer (its status filled in). */
export type TokenReviewer = (review: TokenReview) => Promise<TokenReview>;

/** A bearer token's verdict: whose it is, or why not (an empty reason lets the request fall back to anonymous). */
export type TokenVerdict = { ok: true; user: UserInfo } | { ok: false; reason: string };

export interface TokenWebhookOptions {
  /** How long a verdict is reused; Kubernetes' kubelet default is 2 minutes. */
  cacheTtlMs: number;
  now?: () => number;
  maxEntries?: number;
}

/**
 * The kubelet's `--authentication-token-webhook`: bearer tokens (ServiceAccount tokens, the token file's) are
 * checked by the apiserver with a TokenReview, and the verdict kept for a while, keyed by the token's hash so that
 * no token is held in memory longer than the request. A failed review is an error, never a user.
 */
export class TokenWebhookAuthenticator {
  private readonly cache: ExpiringCache<TokenVerdict>;

  constructor(
    private readonly review: TokenReviewer,
    private readonly opts: TokenWebhookOptions,
  ) {
    this.cache = new ExpiringCache(opts.now ?? Date.now, opts.maxEntries);
  }

  async authenticate(token: string): Promise<TokenVerdict> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const answer = await this.review({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token } });
    const status = answer.status ?? {};
    const u = status.user;
    const verdict: TokenVerdict =
      status.authenticated && u?.username
        ? { ok: true, user: { name: u.username, groups: [...(u.groups ?? [])], ...(u.uid ? { uid: u.uid } : {}), ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) } }
        : { ok: false, reason: status.error ?? '' };
    this.cache.set(key, verdict, this.opts.cacheTtlMs);
    return verdict;
  }
}
