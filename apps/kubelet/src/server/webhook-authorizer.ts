import type { SubjectAccessReview } from '@skiff/api';
import type { AuthorizerDecision, RequestAttributes } from '@skiff/auth';
import { ExpiringCache } from './expiring-cache';

/** Sends a SubjectAccessReview and returns the apiserver's answer (its status filled in). */
export type SubjectAccessReviewer = (review: SubjectAccessReview) => Promise<SubjectAccessReview>;

export interface WebhookAuthorizerOptions {
  /** How long an Allow is reused; Kubernetes' default is 5 minutes. */
  authorizedTtlMs: number;
  /** How long a refusal is reused; Kubernetes' default is 30 seconds. */
  unauthorizedTtlMs: number;
  now?: () => number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
}

/**
 * The kubelet's `--authorization-mode=Webhook`: each request's attributes go to the apiserver as a
 * SubjectAccessReview, and the answers are kept for a while so that a busy client (the apiserver streaming logs,
 * a metrics scraper) does not cost a review per request. A failed review is an error, never an Allow.
 */
export class WebhookAuthorizer {
  private readonly cache: ExpiringCache<AuthorizerDecision>;

  constructor(
    private readonly review: SubjectAccessReviewer,
    private readonly opts: WebhookAuthorizerOptions,
  ) {
    this.cache = new ExpiringCache(opts.now ?? Date.now, opts.maxEntries);
  }

  async authorize(attrs: RequestAttributes): Promise<AuthorizerDecision> {
    const key = JSON.stringify([attrs.user.name, attrs.user.uid ?? '', [...attrs.user.groups].sort(), attrs.verb, attrs.resource, attrs.subresource, attrs.name, attrs.path]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const answer = await this.review(subjectAccessReviewOf(attrs));
    const status = answer.status ?? { allowed: false };
    if (status.evaluationError && !status.allowed) throw new Error(`authorization webhook: ${status.evaluationError}`);
    const decision: AuthorizerDecision = { decision: status.allowed ? 'Allow' : status.denied ? 'Deny' : 'NoOpinion', reason: status.reason ?? '' };
    this.cache.set(key, decision, status.allowed ? this.opts.authorizedTtlMs : this.opts.unauthorizedTtlMs);
    return decision;
  }
}

/** The review for a request: its user, and either the resource it maps to or its path. */
export function subjectAccessReviewOf(attrs: RequestAttributes): SubjectAccessReview {
  const u = attrs.user;
  const spec: SubjectAccessReview['spec'] = { user: u.name, groups: [...u.groups] };
  if (u.uid) spec.uid = u.uid;
  if (u.extra && Object.keys(u.extra).length) spec.extra = Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]]));
  if (attrs.resourceRequest) {
    spec.resourceAttributes = {
      verb: attrs.verb,
      ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
      ...(attrs.apiGroup ? { group: attrs.apiGroup } : {}),
      ...(attrs.apiVersion ? { version: attrs.apiVersion } : {}),
      ...(attrs.resource ? { resource: attrs.resource } : {}),
      ...(attrs.subresource ? { subresource: attrs.subresource } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
    };
  } else {
    spec.nonResourceAttributes = { path: attrs.path ?? '', verb: attrs.verb };
  }
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec };
}
