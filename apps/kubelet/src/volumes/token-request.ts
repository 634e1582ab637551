import { serviceaccounts, type KObject } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import type { TokenRequester } from './service-account-tokens';

/** authentication.k8s.io/v1 TokenRequest, as far as the kubelet writes and reads it. */
export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
}
export interface TokenRequest extends KObject {
  spec: TokenRequestSpec;
  status?: { token: string; expirationTimestamp: string };
}

/** TokenRequests through the API: the serviceaccounts/token subresource of the named account. */
export function apiTokenRequester(client: KubeClient): TokenRequester {
  return (namespace, serviceAccount, request) => client.create<TokenRequest>(serviceaccounts, namespace, request, { subresource: 'token', name: serviceAccount });
}
