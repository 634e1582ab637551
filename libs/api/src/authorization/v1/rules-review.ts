import { Bool, List, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { authorizationGroupName } from './access-review';

/** Verbs on resources a user holds, as one RBAC rule grants them. */
export const ResourceRuleSchema = Struct({
  verbs: List(Str()),
  apiGroups: Opt(List(Str())),
  resources: Opt(List(Str())),
  resourceNames: Opt(List(Str())),
});
export type ResourceRule = Static<typeof ResourceRuleSchema>;

/** Verbs on non-resource URLs a user holds. */
export const NonResourceRuleSchema = Struct({
  verbs: List(Str()),
  nonResourceURLs: Opt(List(Str())),
});
export type NonResourceRule = Static<typeof NonResourceRuleSchema>;

export const SelfSubjectRulesReviewSpecSchema = Struct({
  namespace: Opt(Str()),
});

/** What the user may do; incomplete when an authorizer cannot list its rules (the Node authorizer, webhooks). */
export const SubjectRulesReviewStatusSchema = Struct({
  resourceRules: List(ResourceRuleSchema),
  nonResourceRules: List(NonResourceRuleSchema),
  incomplete: Bool(),
  evaluationError: Opt(Str()),
});
export type SubjectRulesReviewStatus = Static<typeof SubjectRulesReviewStatusSchema>;

/** Everything I may do in a namespace: what `kubectl auth can-i --list` asks. */
export const SelfSubjectRulesReviewSchema = Struct({
  ...kindHeader(),
  spec: SelfSubjectRulesReviewSpecSchema,
  status: Opt(SubjectRulesReviewStatusSchema),
});
export type SelfSubjectRulesReview = Static<typeof SelfSubjectRulesReviewSchema>;

export const selfsubjectrulesreviews = defineResource<SelfSubjectRulesReview>({
  group: authorizationGroupName,
  version: 'v1',
  kind: 'SelfSubjectRulesReview',
  resource: 'selfsubjectrulesreviews',
  namespaced: false,
  verbs: ['create'],
  stored: false,
  schema: SelfSubjectRulesReviewSchema,
});
