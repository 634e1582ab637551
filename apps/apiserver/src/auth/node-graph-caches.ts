import { NodeGraph, type GraphPod } from '@skiff/auth';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { objectOf } from '../storage/watch-cache';

/** The Node authorizer's graph over the apiserver's pods watch cache, rebuilt when the cache moves. */
export function nodeGraphFromCaches(ctx: ApiContext): NodeGraph {
  const cache = registryByName(ctx, '', 'v1', 'pods').cache;
  return new NodeGraph({
    version: () => cache.revision,
    list: () => cache.list().map((c) => objectOf(c) as unknown as GraphPod),
  });
}
