import type { KList, KObject, ResourceType } from '@skiff/api';
import { isGone } from './api-error';
import type { KubeClient, ListOptions } from './kube-client';

/**
 * Lists every object, page by page when `limit` is set, following `continue` tokens. If a token expires
 * midway (410), the pages so far are discarded and one unpaginated list is made instead, as client-go's pager does.
 */
export async function listAll<T extends KObject>(
  client: KubeClient,
  type: ResourceType<any>,
  namespace: string | undefined,
  opts: ListOptions = {},
): Promise<KList<T>> {
  const first = await client.list<T>(type, namespace, opts);
  if (!opts.limit || !first.metadata.continue) return first;
  const items = [...first.items];
  let page = first;
  while (page.metadata.continue) {
    try {
      page = await client.list<T>(type, namespace, { ...opts, continue: page.metadata.continue, resourceVersion: undefined, resourceVersionMatch: undefined });
    } catch (err) {
      if (!isGone(err)) throw err;
      return client.list<T>(type, namespace, { ...opts, limit: undefined, continue: undefined });
    }
    items.push(...page.items);
  }
  return { ...first, metadata: { ...first.metadata, continue: undefined, remainingItemCount: undefined }, items };
}
