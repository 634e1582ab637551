import { List, MapOf, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';

/** Who authentication found a request to be from. */
export const UserInfoSchema = Struct({
  username: Opt(Str()),
  uid: Opt(Str()),
  groups: Opt(List(Str())),
  extra: Opt(MapOf(List(Str()))),
});
export type ReviewedUserInfo = Static<typeof UserInfoSchema>;

export const SelfSubjectReviewStatusSchema = Struct({
  userInfo: Opt(UserInfoSchema),
});

/** Who am I? Created empty, answered with the caller's user (`kubectl auth whoami`). */
export const SelfSubjectReviewSchema = Struct({
  ...kindHeader(),
  status: Opt(SelfSubjectReviewStatusSchema),
});
export type SelfSubjectReview = Static<typeof SelfSubjectReviewSchema>;

export const selfsubjectreviews = defineResource<SelfSubjectReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  resource: 'selfsubjectreviews',
  namespaced: false,
  verbs: ['create'],
  stored: false,
  schema: SelfSubjectReviewSchema,
});
