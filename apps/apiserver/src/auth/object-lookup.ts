import type { KObject } from '@skiff/api';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { decodeStored } from '../storage/keys';
import { objectOf } from '../storage/watch-cache';
import type { ObjectGetter } from './service-account-authenticator';

/**
 * Core objects for authentication, from the apiserver's own watch caches; what a cache lacks (not loaded yet,
 * or created a moment ago) is read from etcd, so a fresh account's token works at once.
 */
export function objectGetterFromCaches(ctx: ApiContext): ObjectGetter {
  return async (resource, namespace, name) => {
    const registry = registryByName(ctx, '', 'v1', resource);
    const key = registry.key(namespace, name);
    const cached = registry.cache.ready ? registry.cache.get(key) : undefined;
    if (cached) return objectOf(cached);
    const res = await ctx.store.get(key);
    return res.kv ? decodeStored<KObject>(res.kv.value, res.kv.modRevision) : undefined;
  };
}
