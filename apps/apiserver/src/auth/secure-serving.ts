import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forbiddenStatus, resultOf, type Authorizer, type RequestAttributes } from '@skiff/auth';
import type { Status } from '@skiff/api';
import type { Logger } from '@skiff/logging';
import type { UserInfo } from '../admission/admission';
import { sendJSON } from '../handlers/respond';
import { upgradeOf } from '../handlers/upgrade-requests';
import type { ApiContext } from '../handlers/api-context';
import { authenticate, type AuthenticatorOptions, type TokenAuthenticator } from './authenticator';
import { BootstrapTokenAuthenticator } from './bootstrap-token-authenticator';
import { objectGetterFromCaches } from './object-lookup';
import { ServiceAccountTokenAuthenticator } from './service-account-authenticator';
import type { ServiceAccountTokenConfig } from './service-account-options';
import { ServiceAccountTokenVerifier } from './service-account-token';
import { authorizationAttributes } from './authorization-attributes';
import { insecureUser, setRequestUser } from './request-user';

/** `Node,RBAC` runs the Node authorizer for kubelets first, and turns NodeRestriction admission on. */
export type AuthorizationMode = 'AlwaysAllow' | 'RBAC' | 'Node,RBAC';

/** Whether the mode's chain includes RBAC, and so needs the default policy and the RBAC caches. */
export const usesRbac = (mode: AuthorizationMode) => mode !== 'AlwaysAllow';

/** What the HTTPS port serves with: its certificate and how it authenticates and authorizes. */
export interface SecureServingConfig {
  port: number;
  certPem: string;
  keyPem: string;
  /** Client certificates are asked for and verified against this CA when given. */
  clientCaPem?: string;
  tokens?: ReadonlyMap<string, UserInfo>;
  anonymous: boolean;
  authorizationMode: AuthorizationMode;
  /** ServiceAccount token keys, issuers and audiences (`--service-account-*`, `--api-audiences`). */
  serviceAccounts?: ServiceAccountTokenConfig;
  /** `--enable-bootstrap-token-auth`. */
  bootstrapTokens?: boolean;
}

/** Node's TLS options for the secure port. */
export function tlsServerOptions(config: SecureServingConfig): { cert: string; key: string; ca?: string; requestCert: boolean; rejectUnauthorized: boolean } {
  // A bad client certificate must not end the handshake (TLS 1.3 would drop the connection without a word):
  // the request goes on and authentication answers 401, as Kubernetes does.
  return { cert: config.certPem, key: config.keyPem, ca: config.clientCaPem, requestCert: config.clientCaPem !== undefined, rejectUnauthorized: false };
}


const unauthorized: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

// Kubernetes 1.30+ also asks for `create` on a WebSocket exec/attach/portforward, which arrives as a GET.
const connectSubresources = new Set(['exec', 'attach', 'portforward']);

/**
 * Authentication, then authorization, for requests on the secure port; requests on the plain port pass as
 * the unsecured user. Runs before any handler, upgrades (exec, attach) included; without an authorizer
 * (AlwaysAllow) every authenticated request is allowed.
 */
export function secureRequestFilter(config: SecureServingConfig, authorizer: Authorizer | undefined, logger: Logger, ctx: ApiContext): RequestHandler {
  const authn = authenticatorOptions(config, ctx);
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!(req.socket as TLSSocket).encrypted) {
      setRequestUser(req, insecureUser);
      return next();
    }
    let result;
    try {
      result = await authenticate(req, authn);
    } catch (e) {
      return next(e);
    }
    if (!result.ok) {
      logger.debug('unauthenticated request', { method: req.method, path: req.path, reason: result.reason });
      return sendJSON(res, 401, unauthorized);
    }
    setRequestUser(req, result.user);
    if (authorizer) {
      for (const attrs of attributesToCheck(req, result.user)) {
        const decision = resultOf(authorizer.authorize(attrs));
        if (!decision.allowed) return sendJSON(res, 403, forbiddenStatus(attrs, decision.reason));
      }
    }
    next();
  };
}

/** The authentication chain of the secure port, which TokenReview asks too. */
export function authenticatorOptions(config: SecureServingConfig, ctx: ApiContext): AuthenticatorOptions {
  return {
    clientCertificates: config.clientCaPem !== undefined,
    tokens: config.tokens,
    tokenAuthenticators: tokenAuthenticators(config, ctx),
    anonymous: config.anonymous,
    ...(config.serviceAccounts ? { apiAudiences: config.serviceAccounts.apiAudiences } : {}),
  };
}

// Kubernetes' order after the static token file: bootstrap tokens, then ServiceAccount JWTs.
function tokenAuthenticators(config: SecureServingConfig, ctx: ApiContext): TokenAuthenticator[] {
  const objects = objectGetterFromCaches(ctx);
  const list: TokenAuthenticator[] = [];
  if (config.bootstrapTokens) list.push(new BootstrapTokenAuthenticator(objects, config.serviceAccounts?.apiAudiences ?? []));
  const sa = config.serviceAccounts;
  if (sa) list.push(new ServiceAccountTokenAuthenticator(new ServiceAccountTokenVerifier({ keys: sa.verificationKeys, issuers: sa.issuers, apiAudiences: sa.apiAudiences }), objects));
  return list;
}

function attributesToCheck(req: Request, user: UserInfo): RequestAttributes[] {
  const attrs = authorizationAttributes(user, req.method, req.path, req.query as Record<string, unknown>);
  const checks = [attrs];
  if (upgradeOf(req) && attrs.resourceRequest && attrs.verb === 'get' && attrs.apiGroup === '' && attrs.resource === 'pods' && connectSubresources.has(attrs.subresource ?? '')) {
    checks.push({ ...attrs, verb: 'create' });
  }
  return checks;
}
