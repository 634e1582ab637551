import type { ServiceAccount } from '@skiff/api';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { decodeStored } from '../storage/keys';
import { objectOf } from '../storage/watch-cache';
import type { ServiceAccountSource } from './service-account';

/** ServiceAccounts for admission: the watch cache first, etcd for one the cache has not seen yet. */
export function serviceAccountsFromContext(context: () => ApiContext): ServiceAccountSource {
  const registry = () => registryByName(context(), '', 'v1', 'serviceaccounts');
  return {
    cached(namespace, name) {
      const reg = registry();
      const hit = reg.cache.ready ? reg.cache.get(reg.key(namespace, name)) : undefined;
      return hit ? (objectOf(hit) as ServiceAccount) : undefined;
    },
    async live(namespace, name) {
      const reg = registry();
      const res = await context().store.get(reg.key(namespace, name));
      return res.kv ? decodeStored<ServiceAccount>(res.kv.value, res.kv.modRevision) : undefined;
    },
  };
}
