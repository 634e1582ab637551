import type { ClusterRole } from '@skiff/api';
import { clusterRole, rule, urls } from './rules';

/** Roles every authenticated (and for public info, unauthenticated) client gets: finding out what the server is. */
export function discoveryClusterRoles(): ClusterRole[] {
  return [
    // API discovery and the OpenAPI document: what kubectl reads before anything else.
    clusterRole('system:discovery', [
      urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/']),
    ]),
    // Asking the server what you may do yourself.
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    // Health and version, which even anonymous clients may read.
    clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    // Health details and metrics for monitoring agents.
    clusterRole('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
    // The service-account token issuer's OIDC discovery, so workloads can verify tokens.
    clusterRole('system:service-account-issuer-discovery', [
      urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/']),
    ]),
  ];
}
