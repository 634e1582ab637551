import {
  schemaErrors,
  type KObject,
  type LocalSubjectAccessReview,
  type ResourceType,
  type SelfSubjectAccessReview,
  type SelfSubjectRulesReview,
  type SelfSubjectReview,
  type SubjectAccessReview,
  type SubjectAccessReviewStatus,
} from '@skiff/api';
import type { RequestAttributes, UserInfo } from '@skiff/auth';
import type { ApiContext } from './api-context';
import { badRequest, invalid } from './status-error';

/**
 * The authorization.k8s.io and authentication.k8s.io reviews: each is created, answered from the configured
 * authorizers (or the caller's own identity) and handed back with its status, never stored — as Kubernetes'
 * REST storage for them does. Authorizing the create itself (`create subjectaccessreviews`, granted to
 * everyone for the self reviews by system:basic-user) happened before the request got here.
 */

/** Checks the body against the schema and the kind's rules; 422 with every field path otherwise. */
export function validateReview(type: ResourceType, obj: KObject): void {
  const errs = [...schemaErrors(type.schema, obj), ...(type.validate?.(obj) ?? [])];
  if (errs.length) throw invalid(type.kind, type.group, obj.metadata?.name ?? '', errs);
}

type AccessSpec = SubjectAccessReview['spec'];

/** Kubernetes' AuthorizationAttributesFrom: the request a review's spec describes, made by `user`. */
function attributesOf(spec: AccessSpec, user: UserInfo): RequestAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    const attrs: RequestAttributes = { user, verb: r.verb ?? '', resourceRequest: true, apiGroup: r.group ?? '', apiVersion: r.version ?? '', resource: r.resource ?? '' };
    if (r.namespace) attrs.namespace = r.namespace;
    if (r.subresource) attrs.subresource = r.subresource;
    if (r.name) attrs.name = r.name;
    return attrs;
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '' };
}

function decide(ctx: ApiContext, attrs: RequestAttributes): SubjectAccessReviewStatus {
  const d = ctx.authorization.authorizer.authorize(attrs);
  return { allowed: d.decision === 'Allow', ...(d.decision === 'Deny' ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}) };
}

/** The user a SubjectAccessReview asks about: its spec's user, groups, uid and extra, taken as given. */
function subjectOf(spec: AccessSpec): UserInfo {
  return { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

export function reviewSubjectAccess(ctx: ApiContext, review: SubjectAccessReview): SubjectAccessReview {
  return { ...review, status: decide(ctx, attributesOf(review.spec, subjectOf(review.spec))) };
}

/** A LocalSubjectAccessReview in `namespace`: the body's namespace, if any, must be the URL's. */
export function reviewLocalSubjectAccess(ctx: ApiContext, namespace: string, review: LocalSubjectAccessReview): LocalSubjectAccessReview {
  const own = review.metadata?.namespace;
  if (own && own !== namespace) throw badRequest(`namespace of the request (${namespace}) does not match the namespace of the LocalSubjectAccessReview (${own})`);
  return { ...review, status: decide(ctx, attributesOf(review.spec, subjectOf(review.spec))) };
}

export function reviewSelfSubjectAccess(ctx: ApiContext, user: UserInfo, review: SelfSubjectAccessReview): SelfSubjectAccessReview {
  return { ...review, status: decide(ctx, attributesOf(review.spec, user)) };
}

/** What the caller may do in spec.namespace, as far as the authorizers can list it. */
export function reviewSelfSubjectRules(ctx: ApiContext, user: UserInfo, review: SelfSubjectRulesReview): SelfSubjectRulesReview {
  const namespace = review.spec?.namespace;
  if (!namespace) throw badRequest('no namespace on request');
  const rules = ctx.authorization.rules.rulesFor(user, namespace);
  const errors = [...new Set(rules.errors)];
  return {
    ...review,
    status: {
      resourceRules: rules.resourceRules,
      nonResourceRules: rules.nonResourceRules,
      incomplete: rules.incomplete,
      ...(errors.length ? { evaluationError: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` } : {}),
    },
  };
}

/** Who the caller is: `kubectl auth whoami`. */
export function reviewSelf(user: UserInfo, review: SelfSubjectReview): SelfSubjectReview {
  const extra = user.extra && Object.keys(user.extra).length ? { extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])) } : {};
  return {
    ...review,
    metadata: { ...review.metadata, creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
    status: { userInfo: { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: [...user.groups], ...extra } },
  };
}
