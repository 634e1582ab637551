import { Bool, List, MapOf, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, type FieldError } from '../../validation/field-errors';
import type { KObject } from '../../meta/object-meta';

export const authorizationGroupName = 'authorization.k8s.io';

/** What a resource request would be: the verb, and the group, resource, subresource, namespace and name it names. */
export const ResourceAttributesSchema = Struct({
  namespace: Opt(Str()),
  verb: Opt(Str()),
  group: Opt(Str()),
  version: Opt(Str()),
  resource: Opt(Str()),
  subresource: Opt(Str()),
  name: Opt(Str()),
});
export type ResourceAttributes = Static<typeof ResourceAttributesSchema>;

/** What a request for any other path would be: the lower-case HTTP verb and the URL path. */
export const NonResourceAttributesSchema = Struct({
  path: Opt(Str()),
  verb: Opt(Str()),
});
export type NonResourceAttributes = Static<typeof NonResourceAttributesSchema>;

/** The request asked about, and (for SubjectAccessReview) whose request it would be. */
export const SubjectAccessReviewSpecSchema = Struct({
  resourceAttributes: Opt(ResourceAttributesSchema),
  nonResourceAttributes: Opt(NonResourceAttributesSchema),
  user: Opt(Str()),
  groups: Opt(List(Str())),
  extra: Opt(MapOf(List(Str()))),
  uid: Opt(Str()),
});
export type SubjectAccessReviewSpec = Static<typeof SubjectAccessReviewSpecSchema>;

/** The authorizer's answer: allowed, or explicitly denied (neither means nobody had an opinion), and why. */
export const SubjectAccessReviewStatusSchema = Struct({
  allowed: Bool(),
  denied: Opt(Bool()),
  reason: Opt(Str()),
  evaluationError: Opt(Str()),
});
export type SubjectAccessReviewStatus = Static<typeof SubjectAccessReviewStatusSchema>;

/** May this user do this? Asked by components that authorize requests themselves (the kubelet, webhooks). */
export const SubjectAccessReviewSchema = Struct({
  ...kindHeader(),
  spec: SubjectAccessReviewSpecSchema,
  status: Opt(SubjectAccessReviewStatusSchema),
});
export type SubjectAccessReview = Static<typeof SubjectAccessReviewSchema>;

/** The same question asked within one namespace; whoever may create it there may ask it. */
export const LocalSubjectAccessReviewSchema = Struct({
  ...kindHeader(),
  spec: SubjectAccessReviewSpecSchema,
  status: Opt(SubjectAccessReviewStatusSchema),
});
export type LocalSubjectAccessReview = Static<typeof LocalSubjectAccessReviewSchema>;

export const SelfSubjectAccessReviewSpecSchema = Struct({
  resourceAttributes: Opt(ResourceAttributesSchema),
  nonResourceAttributes: Opt(NonResourceAttributesSchema),
});
export type SelfSubjectAccessReviewSpec = Static<typeof SelfSubjectAccessReviewSpecSchema>;

/** May I do this? What `kubectl auth can-i` asks. */
export const SelfSubjectAccessReviewSchema = Struct({
  ...kindHeader(),
  spec: SelfSubjectAccessReviewSpecSchema,
  status: Opt(SubjectAccessReviewStatusSchema),
});
export type SelfSubjectAccessReview = Static<typeof SelfSubjectAccessReviewSchema>;

const onlyMetadata = (obj: KObject, allowNamespace: boolean): FieldError[] => {
  const { namespace, managedFields: _m, ...rest } = obj.metadata ?? {};
  const extra = Object.keys(rest).length > 0 || (!allowNamespace && namespace !== undefined && namespace !== '');
  return extra ? [invalid(FieldPath.root('metadata'), obj.metadata, allowNamespace ? 'must be empty except for namespace' : 'must be empty')] : [];
};

function validateAttributes(spec: SelfSubjectAccessReviewSpec | undefined): FieldError[] {
  const p = FieldPath.root('spec');
  if (spec?.resourceAttributes && spec.nonResourceAttributes) {
    return [invalid(p.child('nonResourceAttributes'), spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!spec?.resourceAttributes && !spec?.nonResourceAttributes) {
    return [invalid(p.child('resourceAttributes'), null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

function validateSubject(spec: SubjectAccessReviewSpec | undefined): FieldError[] {
  if (spec?.user || spec?.groups?.length) return [];
  return [invalid(FieldPath.root('spec', 'user'), spec?.user ?? '', 'at least one of user or group must be specified')];
}

const reviewResource = { group: authorizationGroupName, version: 'v1', verbs: ['create' as const], stored: false };

export const subjectaccessreviews = defineResource<SubjectAccessReview>({
  ...reviewResource,
  kind: 'SubjectAccessReview',
  resource: 'subjectaccessreviews',
  namespaced: false,
  schema: SubjectAccessReviewSchema,
  validate: (r) => [...validateAttributes(r.spec), ...validateSubject(r.spec), ...onlyMetadata(r, false)],
});

export const localsubjectaccessreviews = defineResource<LocalSubjectAccessReview>({
  ...reviewResource,
  kind: 'LocalSubjectAccessReview',
  resource: 'localsubjectaccessreviews',
  namespaced: true,
  schema: LocalSubjectAccessReviewSchema,
  validate(r) {
    const errs = [...validateAttributes(r.spec), ...validateSubject(r.spec), ...onlyMetadata(r, true)];
    const attrs = r.spec?.resourceAttributes;
    if (attrs && (attrs.namespace ?? '') !== (r.metadata?.namespace ?? '')) {
      errs.push(invalid(FieldPath.root('spec', 'resourceAttributes', 'namespace'), attrs.namespace ?? '', 'must match metadata.namespace'));
    }
    if (r.spec?.nonResourceAttributes) errs.push(invalid(FieldPath.root('spec', 'nonResourceAttributes'), r.spec.nonResourceAttributes, 'disallowed on this kind of request'));
    return errs;
  },
});

export const selfsubjectaccessreviews = defineResource<SelfSubjectAccessReview>({
  ...reviewResource,
  kind: 'SelfSubjectAccessReview',
  resource: 'selfsubjectaccessreviews',
  namespaced: false,
  schema: SelfSubjectAccessReviewSchema,
  validate: (r) => [...validateAttributes(r.spec), ...onlyMetadata(r, false)],
});
