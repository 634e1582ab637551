import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { allAuthenticatedGroup, allUnauthenticatedGroup, anonymousUserName, type UserInfo } from '@skiff/auth';
import { identityFromCertificate } from '@skiff/pki';
import { kubeletRequestAttributes } from './kubelet-request-attributes';
import type { KubeletServing } from './kubelet-serving-options';
import { TokenWebhookAuthenticator, type TokenReviewer } from './token-webhook-authenticator';
import { WebhookAuthorizer, type SubjectAccessReviewer } from './webhook-authorizer';

export interface KubeletAuthOptions {
  /** Client certificates are verified against `--client-ca-file` (the TLS server asked for them). */
  clientCertificates: boolean;
  /** `--anonymous-auth`: requests without a certificate act as system:anonymous instead of getting 401. */
  anonymous: boolean;
  /** `--authorization-mode=Webhook`; undefined is AlwaysAllow. */
  webhook?: WebhookAuthorizer;
  /** `--authentication-token-webhook`: bearer tokens checked by the apiserver; without it they are ignored. */
  tokens?: TokenWebhookAuthenticator;
  nodeName: string;
}

/** What the server does with a request: go on, or answer with the code and Kubernetes' plain-text message. */
export type KubeletAuthResult = { ok: true; user: UserInfo } | { ok: false; code: 401 | 403 | 500; message: string; error?: string };

const anonymousUser: UserInfo = { name: anonymousUserName, groups: [allUnauthenticatedGroup] };

/**
 * The kubelet API's authentication and authorization, as Kubernetes' kubelet runs them on every path of its
 * port: a verified client certificate (CN user, O groups), else a bearer token the apiserver vouches for (with the
 * token webhook), else anonymous when allowed, else 401; then the authorizer on
 * `nodes/<node>/<proxy|stats|metrics|log|spec>`, 403 when it does not allow.
 */
export class KubeletAuth {
  constructor(private readonly opts: KubeletAuthOptions) {}

  /** The request's user; undefined for 401. Credentials that are presented but do not check out are never downgraded to anonymous. */
  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const socket = req.socket as TLSSocket;
    if (this.opts.clientCertificates && socket.encrypted) {
      const peer = socket.getPeerCertificate?.();
      const presented = peer !== undefined && peer !== null && Object.keys(peer).length > 0;
      if (presented) {
        const identity = socket.authorized ? identityFromCertificate(peer) : undefined;
        return identity ? withAuthenticated({ name: identity.user, groups: identity.groups }) : undefined;
      }
    }
    const token = this.opts.tokens && bearerToken(req.headers.authorization);
    if (token !== undefined) {
      const verdict = await this.opts.tokens!.authenticate(token);
      if (verdict.ok) return withAuthenticated(verdict.user);
      // As upstream: a review that says why the token is bad fails the request; one without a reason falls through.
      if (verdict.reason) return undefined;
    }
    return this.opts.anonymous ? anonymousUser : undefined;
  }

  async check(req: IncomingMessage, path: string): Promise<KubeletAuthResult> {
    let user: UserInfo | undefined;
    try {
      user = await this.authenticate(req);
    } catch (e) {
      return { ok: false, code: 401, message: 'Unauthorized', error: (e as Error).message };
    }
    if (!user) return { ok: false, code: 401, message: 'Unauthorized' };
    if (!this.opts.webhook) return { ok: true, user };
    const attrs = kubeletRequestAttributes(user, req.method ?? 'GET', path, this.opts.nodeName);
    const what = `user=${user.name}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource}`;
    try {
      const decision = await this.opts.webhook.authorize(attrs);
      if (decision.decision === 'Allow') return { ok: true, user };
      return { ok: false, code: 403, message: `Forbidden (${what})` };
    } catch (e) {
      return { ok: false, code: 500, message: `Authorization error (${what})`, error: (e as Error).message };
    }
  }
}

/** The auth the serving flags ask for: none over plain HTTP; the apiserver asked through `reviews` for the webhooks configured. */
export function kubeletAuthFor(serving: KubeletServing, nodeName: string, reviews: { access: SubjectAccessReviewer; token: TokenReviewer }): KubeletAuth | undefined {
  if (!serving.tls) return undefined;
  const webhook =
    serving.authorizationMode === 'Webhook'
      ? new WebhookAuthorizer(reviews.access, { authorizedTtlMs: serving.webhookAuthorizedTtlMs, unauthorizedTtlMs: serving.webhookUnauthorizedTtlMs })
      : undefined;
  const tokens = serving.tokenWebhook ? new TokenWebhookAuthenticator(reviews.token, { cacheTtlMs: serving.tokenWebhookCacheTtlMs }) : undefined;
  return new KubeletAuth({ clientCertificates: serving.tls.clientCaPem !== undefined, anonymous: serving.anonymous, webhook, tokens, nodeName });
}

function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : undefined;
}

// Every authenticated user is in system:authenticated, as Kubernetes' AuthenticatedGroupAdder makes it.
function withAuthenticated(user: UserInfo): UserInfo {
  return user.groups.includes(allAuthenticatedGroup) ? user : { ...user, groups: [...user.groups, allAuthenticatedGroup] };
}
