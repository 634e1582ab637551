import { serviceaccounts, type TokenRequest } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import type { TokenRequester } from './service-account-tokens';

/** TokenRequests through the API: the serviceaccounts/token subresource of the named account. */
export function apiTokenRequester(client: KubeClient): TokenRequester {
  return (namespace, serviceAccount, request) => client.create<TokenRequest>(serviceaccounts, namespace, request, { subresource: 'token', name: serviceAccount });
}
