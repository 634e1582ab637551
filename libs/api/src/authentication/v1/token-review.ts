import { Bool, List, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { UserInfoSchema } from './self-subject-review';

export const TokenReviewSpecSchema = Struct({
  token: Opt(Str()),
  /** What the token must be for; the apiserver's own audiences when empty. */
  audiences: Opt(List(Str())),
});

export const TokenReviewStatusSchema = Struct({
  authenticated: Opt(Bool()),
  user: Opt(UserInfoSchema),
  /** Those of the asked-for audiences the token is valid for. */
  audiences: Opt(List(Str())),
  error: Opt(Str()),
});

/** Is this bearer token good, and whose is it? Created and answered at once (webhook token authentication). */
export const TokenReviewSchema = Struct({
  ...kindHeader(),
  spec: TokenReviewSpecSchema,
  status: Opt(TokenReviewStatusSchema),
});
export type TokenReview = Static<typeof TokenReviewSchema>;

export const tokenreviews = defineResource<TokenReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  resource: 'tokenreviews',
  namespaced: false,
  verbs: ['create'],
  stored: false,
  schema: TokenReviewSchema,
});
