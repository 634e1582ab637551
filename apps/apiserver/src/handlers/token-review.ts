import type { KObject, TokenReview } from '@skiff/api';
import { authenticateBearerToken } from '../auth/authenticator';
import type { ApiContext } from './api-context';
import { badRequest } from './status-error';

/**
 * TokenReview: the secure port's bearer-token authentication (static tokens, bootstrap tokens, ServiceAccount
 * JWTs) run on spec.token for spec.audiences (the API audiences when empty). The answer names the user and the
 * asked-for audiences the token is good for, or the error; kubelets and webhooks authenticate tokens with it.
 */
export async function reviewToken(ctx: ApiContext, review: TokenReview): Promise<KObject> {
  const token = review.spec?.token;
  if (!token) throw badRequest('token is required for TokenReview in authentication');
  const out = { ...review, apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview' } as TokenReview;
  const authn = ctx.tokenAuthentication;
  if (!authn) return { ...out, status: { user: {} } } as unknown as KObject;
  const asked = review.spec.audiences?.length ? review.spec.audiences : undefined;
  const result = await authenticateBearerToken(token, authn, asked);
  if (!result.ok) return { ...out, status: { user: {}, ...(result.reason !== 'invalid bearer token' ? { error: result.reason } : {}) } } as unknown as KObject;
  const u = result.user;
  return {
    ...out,
    status: {
      authenticated: true,
      user: { username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups], ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) },
      ...(result.audiences.length ? { audiences: result.audiences } : {}),
    },
  } as unknown as KObject;
}
