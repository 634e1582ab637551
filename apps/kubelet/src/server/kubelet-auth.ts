import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { allAuthenticatedGroup, allUnauthenticatedGroup, anonymousUserName, type UserInfo } from '@skiff/auth';
import { identityFromCertificate } from '@skiff/pki';
import { kubeletRequestAttributes } from './kubelet-request-attributes';
import type { KubeletServing } from './kubelet-serving-options';
import { WebhookAuthorizer, type SubjectAccessReviewer } from './webhook-authorizer';

export interface KubeletAuthOptions {
  /** Client certificates are verified against `--client-ca-file` (the TLS server asked for them). */
  clientCertificates: boolean;
  /** `--anonymous-auth`: requests without a certificate act as system:anonymous instead of getting 401. */
  anonymous: boolean;
  /** `--authorization-mode=Webhook`; undefined is AlwaysAllow. */
  webhook?: WebhookAuthorizer;
  nodeName: string;
}

/** What the server does with a request: go on, or answer with the code and Kubernetes' plain-text message. */
export type KubeletAuthResult = { ok: true; user: UserInfo } | { ok: false; code: 401 | 403 | 500; message: string; error?: string };

const anonymousUser: UserInfo = { name: anonymousUserName, groups: [allUnauthenticatedGroup] };

/**
 * The kubelet API's authentication and authorization, as Kubernetes' kubelet runs them on every path of its
 * port: a verified client certificate (CN user, O groups), else anonymous when allowed, else 401; then the
 * authorizer on `nodes/<node>/<proxy|stats|metrics|log|spec>`, 403 when it does not allow.
 */
export class KubeletAuth {
  constructor(private readonly opts: KubeletAuthOptions) {}

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as TLSSocket;
    if (this.opts.clientCertificates && socket.encrypted) {
      const peer = socket.getPeerCertificate?.();
      const presented = peer !== undefined && peer !== null && Object.keys(peer).length > 0;
      if (presented) {
        // A certificate that does not check out is refused, never downgraded to anonymous.
        const identity = socket.authorized ? identityFromCertificate(peer) : undefined;
        if (!identity) return undefined;
        const groups = identity.groups.includes(allAuthenticatedGroup) ? identity.groups : [...identity.groups, allAuthenticatedGroup];
        return { name: identity.user, groups };
      }
    }
    return this.opts.anonymous ? anonymousUser : undefined;
  }

  async check(req: IncomingMessage, path: string): Promise<KubeletAuthResult> {
    const user = this.authenticate(req);
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

/** The auth the serving flags ask for: none over plain HTTP; a Webhook authorizer asking `review` when configured. */
export function kubeletAuthFor(serving: KubeletServing, nodeName: string, review: SubjectAccessReviewer): KubeletAuth | undefined {
  if (!serving.tls) return undefined;
  const webhook =
    serving.authorizationMode === 'Webhook'
      ? new WebhookAuthorizer(review, { authorizedTtlMs: serving.webhookAuthorizedTtlMs, unauthorizedTtlMs: serving.webhookUnauthorizedTtlMs })
      : undefined;
  return new KubeletAuth({ clientCertificates: serving.tls.clientCaPem !== undefined, anonymous: serving.anonymous, webhook, nodeName });
}
