import type { KObject, ResourceType } from '@skiff/api';
import { apiVersionOf } from '@skiff/api';
import type { EtcdStore } from '../storage/etcd-store';
import { collectionPrefix, decodeStored } from '../storage/keys';
import { isStorageError } from '../storage/storage-error';
import { viewOf } from '../storage/selectable-view';
import { objectOf, type WatchCache } from '../storage/watch-cache';
import type { Selection } from './selection';
import { badRequest, fromStorage, gone } from './status-error';

/** A list result as pre-serialised items, so cached objects are never stringified twice. */
export interface ListResult {
  itemsJson: string[];
  /** The items as objects; parsed on demand for cache results. */
  objects(): KObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start } satisfies ContinueToken)).toString('base64url');
}

function decodeContinue(token: string, prefix: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || !t.start.startsWith(prefix)) throw new Error();
    return t;
  } catch {
    throw badRequest('continue key is not valid: the continue token is malformed or belongs to another list');
  }
}

export interface ListQuery {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  limit?: number;
  continue?: string;
}

/**
 * Lists as Kubernetes does: `resourceVersion=0` (or any version the cache has reached, with NotOlderThan)
 * is served from the watch cache; no resourceVersion means a consistent read from etcd, paged with
 * limit/continue; `Exact` reads etcd at that revision.
 */
export async function listObjects(type: ResourceType, store: EtcdStore, cache: WatchCache, sel: Selection, q: ListQuery): Promise<ListResult> {
  const rv = q.resourceVersion;
  const match = q.resourceVersionMatch;
  if (match && match !== 'NotOlderThan' && match !== 'Exact') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && !rv) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (q.continue && rv && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  const rvNum = rv ? Number(rv) : 0;

  const fromCache = cache.ready && !q.continue && match !== 'Exact' && rv !== undefined && rv !== '' && (rvNum === 0 || rvNum <= cache.revision);
  if (fromCache) {
    const items = cache.list(collectionPrefix(type, sel.namespace)).filter((c) => sel.matches(c.view));
    return { itemsJson: items.map((c) => c.json), objects: () => items.map(objectOf), resourceVersion: String(cache.revision) };
  }
  return listFromEtcd(type, store, sel, q, match === 'Exact' ? rvNum : 0);
}

async function listFromEtcd(type: ResourceType, store: EtcdStore, sel: Selection, q: ListQuery, exactRv: number): Promise<ListResult> {
  const prefix = collectionPrefix(type, sel.namespace);
  const limit = q.limit && q.limit > 0 ? q.limit : 0;
  let start = prefix;
  let atRevision = exactRv;
  if (q.continue) {
    const t = decodeContinue(q.continue, prefix);
    start = t.start;
    atRevision = t.rv;
  }
  const objects: KObject[] = [];
  const itemsJson: string[] = [];
  const pageSize = limit ? Math.max(limit, 100) : 500;
  let revision = atRevision;
  let lastKey = '';
  let more = true;
  let nextStart = '';
  try {
    while (more) {
      const page = await store.range(prefix, { startKey: start, limit: pageSize, revision: revision || undefined });
      revision = revision || page.revision;
      more = page.more;
      for (const kv of page.kvs) {
        lastKey = kv.key;
        const obj = decodeStored(kv.value, kv.modRevision);
        if (!sel.matches(viewOf(type, obj))) continue;
        objects.push(obj);
        itemsJson.push(JSON.stringify(obj));
        if (limit && objects.length === limit) {
          nextStart = lastKey + '\x00';
          break;
        }
      }
      if (nextStart) break;
      if (more) start = lastKey + '\x00';
    }
  } catch (e) {
    if (isStorageError(e, 'Compacted') && q.continue) {
      throw gone(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.',
      );
    }
    throw fromStorage(e, type, '');
  }
  const result: ListResult = { itemsJson, objects: () => objects, resourceVersion: String(revision) };
  if (nextStart) {
    // Only a page that stopped early knows more may follow; check cheaply whether anything does.
    const rest = await store.range(prefix, { startKey: nextStart, limit: 1, revision }).catch((e) => {
      throw fromStorage(e, type, '');
    });
    if (rest.kvs.length) {
      result.continueToken = encodeContinue(revision, nextStart);
    }
  }
  return result;
}

/** The list body, assembled from already-serialised items. */
export function listBody(type: ResourceType, r: ListResult): string {
  const meta: Record<string, unknown> = { resourceVersion: r.resourceVersion };
  if (r.continueToken) meta.continue = r.continueToken;
  if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
  return `{"kind":${JSON.stringify(type.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(type))},"metadata":${JSON.stringify(meta)},"items":[${r.itemsJson.join(',')}]}`;
}
