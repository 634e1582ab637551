import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { allAuthenticatedGroup, allUnauthenticatedGroup, anonymousUserName } from '@skiff/auth';
import { identityFromCertificate } from '@skiff/pki';
import type { UserInfo } from '../admission/admission';

export interface AuthenticatorOptions {
  /** Whether client certificates are checked (`--client-ca-file` given; the TLS server verifies against it). */
  clientCertificates: boolean;
  /** `--token-auth-file`: bearer token → user. */
  tokens?: ReadonlyMap<string, UserInfo>;
  /** Asked in order after the static tokens: bootstrap tokens, then ServiceAccount JWTs. */
  tokenAuthenticators?: readonly TokenAuthenticator[];
  /** `--anonymous-auth`: requests with no credentials become system:anonymous instead of 401. */
  anonymous: boolean;
  /** `--api-audiences`: what a bearer token must be for on a request; tokens without audiences are taken as for these. */
  apiAudiences?: readonly string[];
}

export type AuthenticationResult = { ok: true; user: UserInfo } | { ok: false; reason: string };

/** A bearer token's user and the audiences (of those asked for) it is valid for. */
export type TokenAuthentication = { ok: true; user: UserInfo; audiences: string[] } | { ok: false; reason: string };

/** Checks one kind of bearer token; undefined when the token is not of its kind (the next one is asked). */
export interface TokenAuthenticator {
  /** `audiences`: those the token must be for (the API audiences, or a TokenReview's); empty when none are configured. */
  authenticate(token: string, audiences: readonly string[]): Promise<TokenAuthentication | undefined>;
}

/**
 * Kubernetes' wrapper for tokens that name no audience (static and bootstrap tokens): they are for the API
 * audiences, so they authenticate for a target only where it shares one of those.
 */
export function audienceAgnostic(apiAudiences: readonly string[], targets: readonly string[], result: TokenAuthentication | undefined): TokenAuthentication | undefined {
  if (!result?.ok || !targets.length) return result;
  const shared = apiAudiences.filter((a) => targets.includes(a));
  return shared.length ? { ...result, audiences: shared } : undefined;
}

export const anonymous: UserInfo = { name: anonymousUserName, groups: [allUnauthenticatedGroup] };

/**
 * Kubernetes' authentication chain for the secure port: a verified client certificate (CN user, O groups), else a
 * bearer token (static, bootstrap, ServiceAccount JWT), else anonymous when allowed. Credentials that are presented but do not check out — a
 * certificate from another CA or out of date, an unknown token — are refused outright, never downgraded to
 * anonymous: that is how Kubernetes answers them (`You must be logged in to the server (Unauthorized)`).
 */
export async function authenticate(req: IncomingMessage, opts: AuthenticatorOptions): Promise<AuthenticationResult> {
  const errors: string[] = [];
  if (opts.clientCertificates) {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate?.();
    const presented = peer !== undefined && peer !== null && Object.keys(peer).length > 0;
    if (presented) {
      const identity = socket.authorized ? identityFromCertificate(peer) : undefined;
      if (identity) return { ok: true, user: withAuthenticated({ name: identity.user, groups: identity.groups }) };
      errors.push(socket.authorized ? 'the client certificate has no common name' : `verifying the client certificate failed: ${String(socket.authorizationError)}`);
    }
  }
  const token = bearerToken(req.headers.authorization);
  if (token !== undefined) {
    const result = await authenticateBearerToken(token, opts);
    if (result.ok) return { ok: true, user: result.user };
    errors.push(result.reason);
  }
  if (errors.length) return { ok: false, reason: errors.join(', ') };
  if (opts.anonymous) return { ok: true, user: anonymous };
  return { ok: false, reason: 'no credentials' };
}

/**
 * The bearer-token part of the chain, which TokenReview also asks: the static token file, then each token
 * authenticator in order. `audiences` default to the API audiences.
 */
export async function authenticateBearerToken(token: string, opts: Pick<AuthenticatorOptions, 'tokens' | 'tokenAuthenticators' | 'apiAudiences'>, audiences: readonly string[] = opts.apiAudiences ?? []): Promise<TokenAuthentication> {
  const apiAudiences = opts.apiAudiences ?? [];
  const staticUser = opts.tokens?.get(token);
  const fromFile = staticUser ? audienceAgnostic(apiAudiences, audiences, { ok: true, user: staticUser, audiences: [] }) : undefined;
  if (fromFile?.ok) return { ...fromFile, user: withAuthenticated(fromFile.user) };
  const reasons: string[] = [];
  for (const a of opts.tokenAuthenticators ?? []) {
    const result = await a.authenticate(token, audiences);
    if (result?.ok) return { ...result, user: withAuthenticated(result.user) };
    if (result) reasons.push(result.reason);
  }
  return { ok: false, reason: reasons.length ? `invalid bearer token: ${reasons.join(', ')}` : 'invalid bearer token' };
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

// Every authenticated user is in system:authenticated, as Kubernetes' AuthenticatedGroupAdder makes it.
function withAuthenticated(user: UserInfo): UserInfo {
  if (user.groups.includes(allAuthenticatedGroup)) return user;
  return { ...user, groups: [...user.groups, allAuthenticatedGroup] };
}
