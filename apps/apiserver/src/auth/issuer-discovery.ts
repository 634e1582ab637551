import type { NextFunction, Request, Response } from 'express';
import type { ApiContext } from '../handlers/api-context';
import type { ServiceAccountTokenConfig } from './service-account-options';

export const openIDConfigurationPath = '/.well-known/openid-configuration';
export const jwksPath = '/openid/v1/jwks';

/** A public key as a JSON Web Key, as /openid/v1/jwks lists them. */
export type PublicJWK = { kty: string; use: 'sig'; alg: string; kid: string } & Record<string, string>;

/** Kubernetes serves OIDC discovery only for an https issuer: other issuers cannot be looked up by anyone. */
export function servesIssuerDiscovery(config: ServiceAccountTokenConfig): boolean {
  return config.issuers[0].startsWith('https://');
}

/** The OpenID provider metadata of the token issuer: where the keys are, what they sign with. */
export function openIDConfiguration(config: ServiceAccountTokenConfig, jwksUri: string) {
  return {
    issuer: config.issuers[0],
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(config.verificationKeys.map((k) => k.alg))].sort(),
  };
}

/** Every verification key as a JWK, so holders of tokens can check them without talking to the cluster. */
export function publicJWKS(config: ServiceAccountTokenConfig): { keys: PublicJWK[] } {
  const seen = new Set<string>();
  const keys: PublicJWK[] = [];
  for (const k of config.verificationKeys) {
    if (seen.has(k.kid)) continue;
    seen.add(k.kid);
    const jwk = k.key.export({ format: 'jwk' }) as Record<string, string>;
    keys.push({ ...jwk, kty: jwk.kty, use: 'sig', alg: k.alg, kid: k.kid });
  }
  return { keys };
}

/**
 * ServiceAccount issuer discovery (`/.well-known/openid-configuration`, `/openid/v1/jwks`), answered when tokens
 * are configured with an https issuer. The jwks_uri is `--service-account-jwks-uri`, else this apiserver's
 * advertised address. Anything else falls through.
 */
export function issuerDiscoveryHandler(ctx: ApiContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const config = ctx.serviceAccountTokens;
    if (req.method !== 'GET' || !config || !servesIssuerDiscovery(config)) return next();
    const path = req.path.replace(/\/$/, '');
    let body: unknown;
    let type: string;
    if (path === openIDConfigurationPath) {
      body = openIDConfiguration(config, config.jwksUri ?? `https://${ctx.advertiseAddress}${jwksPath}`);
      type = 'application/json';
    } else if (path === jwksPath) {
      body = publicJWKS(config);
      type = 'application/jwk-set+json';
    } else {
      return next();
    }
    res.status(200);
    res.setHeader('Content-Type', type);
    // The keys change rarely; Kubernetes lets caches keep the answers for an hour.
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.end(JSON.stringify(body));
  };
}
