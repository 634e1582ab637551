import type { ResourceType, Scheme } from '@skiff/api';
import type { AuthorizationChain } from '@skiff/auth';
import type { Logger } from '@skiff/logging';
import type { AdmissionChain } from '../admission/admission';
import type { AuthenticatorOptions } from '../auth/authenticator';
import type { ServiceAccountTokenConfig } from '../auth/service-account-options';
import type { GenericRegistry } from '../registry/generic-registry';
import type { KubeletClientConfig } from './kubelet-endpoint';
import type { ApiserverMetrics } from '../server/metrics';
import type { EtcdStore } from '../storage/etcd-store';

/** What request handlers share: the scheme, one registry per resource, storage, metrics and logs. */
export interface ApiContext {
  scheme: Scheme;
  store: EtcdStore;
  registries: Map<ResourceType, GenericRegistry>;
  admission: AdmissionChain;
  metrics: ApiserverMetrics;
  logger: Logger;
  /** Address and port clients reach this apiserver at (for discovery's serverAddressByClientCIDRs). */
  advertiseAddress: string;
  /** How ServiceAccount tokens are issued and checked; serviceaccounts/token is served only with a signing key. */
  serviceAccountTokens?: ServiceAccountTokenConfig;
  /** The secure port's bearer-token authentication, which TokenReview runs; absent without a secure port. */
  tokenAuthentication?: AuthenticatorOptions;
  /** The configured authorizers (AlwaysAllow without a secure port): what access reviews are answered by. */
  authorization: AuthorizationChain;
  /** How kubelets are dialled for logs, exec, attach and node proxy: plain HTTP unless given a client certificate. */
  kubeletClient?: KubeletClientConfig;
}

export function registryFor(ctx: ApiContext, type: ResourceType): GenericRegistry {
  const r = ctx.registries.get(type);
  if (!r) throw new Error(`no registry for ${type.resource}`);
  return r;
}

export function registryByName(ctx: ApiContext, group: string, version: string, resource: string): GenericRegistry {
  const t = ctx.scheme.forResource(group, version, resource);
  if (!t) throw new Error(`resource ${group}/${version}/${resource} is not registered`);
  return registryFor(ctx, t);
}
