import { Int64, List, Opt, Str, Struct, Time, type Static } from '../../schema/builders';
import { kindHeader } from '../../scheme/define-resource';

export const authenticationGroupName = 'authentication.k8s.io';

/** The object a token is bound to: it stops authenticating once that object is gone or replaced. */
export const BoundObjectReferenceSchema = Struct({
  kind: Opt(Str()),
  apiVersion: Opt(Str()),
  name: Opt(Str()),
  uid: Opt(Str()),
});
export type BoundObjectReference = Static<typeof BoundObjectReferenceSchema>;

export const TokenRequestSpecSchema = Struct({
  audiences: Opt(List(Str())),
  expirationSeconds: Opt(Int64()),
  boundObjectRef: Opt(BoundObjectReferenceSchema),
});
export type TokenRequestSpec = Static<typeof TokenRequestSpecSchema>;

export const TokenRequestStatusSchema = Struct({
  token: Str(),
  expirationTimestamp: Time(),
});
export type TokenRequestStatus = Static<typeof TokenRequestStatusSchema>;

/**
 * A request for a ServiceAccount token. It is never stored: clients POST it to the serviceaccounts/token
 * subresource and get it back with the signed token in status.
 */
export const TokenRequestSchema = Struct({
  ...kindHeader(),
  spec: TokenRequestSpecSchema,
  status: Opt(TokenRequestStatusSchema),
});
export type TokenRequest = Static<typeof TokenRequestSchema>;

/** The shortest and longest lifetimes a TokenRequest may ask for (Kubernetes' validation). */
export const minTokenExpirationSeconds = 600;
export const maxTokenExpirationSeconds = 2 ** 32;
/** What spec.expirationSeconds defaults to. */
export const defaultTokenExpirationSeconds = 3600;
