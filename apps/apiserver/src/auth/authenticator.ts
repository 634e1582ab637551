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
}

export type AuthenticationResult = { ok: true; user: UserInfo } | { ok: false; reason: string };

/** Checks one kind of bearer token; undefined when the token is not of its kind (the next one is asked). */
export interface TokenAuthenticator {
  authenticate(token: string): Promise<AuthenticationResult | undefined>;
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
    const user = opts.tokens?.get(token);
    if (user) return { ok: true, user: withAuthenticated(user) };
    const tokenErrors: string[] = [];
    for (const a of opts.tokenAuthenticators ?? []) {
      const result = await a.authenticate(token);
      if (result?.ok) return { ok: true, user: withAuthenticated(result.user) };
      if (result) tokenErrors.push(result.reason);
    }
    errors.push(tokenErrors.length ? `invalid bearer token: ${tokenErrors.join(', ')}` : 'invalid bearer token');
  }
  if (errors.length) return { ok: false, reason: errors.join(', ') };
  if (opts.anonymous) return { ok: true, user: anonymous };
  return { ok: false, reason: 'no credentials' };
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
