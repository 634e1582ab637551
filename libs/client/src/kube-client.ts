import type { DeleteOptions, KList, KObject, ResourceType, Status, WatchEvent } from '@skiff/api';
import { isNotFound } from './api-error';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** The Content-Type each patch flavour is sent with. */
export const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  fieldManager?: string;
  /** Sent as `dryRun=All`: the server validates and answers but persists nothing. */
  dryRun?: boolean;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Server-side apply only: take ownership of fields other managers own. */
  force?: boolean;
}

/**
 * A running watch: iterate it for events; it ends when the server closes the stream or `stop()` is called,
 * and throws when the request fails (an ApiError for an HTTP error such as 410 Gone).
 */
export interface WatchStream<T> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
}

/**
 * The one client interface every component uses and the test kit's fake implements. `namespace` is ignored for
 * cluster-scoped types; `undefined` for a namespaced type in list/watch means all namespaces.
 */
export interface KubeClient {
  get<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, opts?: { subresource?: string }): Promise<T>;
  list<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, opts?: ListOptions): Promise<KList<T>>;
  watch<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, opts: WatchOptions): WatchStream<T>;
  create<T extends KObject>(
    type: ResourceType<any>,
    namespace: string | undefined,
    obj: T,
    opts?: WriteOptions & { subresource?: string; name?: string },
  ): Promise<T>;
  update<T extends KObject>(type: ResourceType<any>, obj: T, opts?: WriteOptions & { subresource?: string }): Promise<T>;
  patch<T extends KObject>(
    type: ResourceType<any>,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<T>;
  delete<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection(type: ResourceType<any>, namespace: string | undefined, opts?: ListOptions): Promise<void>;
}

/** The object, or undefined when the server says there is none (404 NotFound); any other failure is thrown. */
export async function getIfExists<T extends KObject>(client: KubeClient, type: ResourceType<any>, namespace: string | undefined, name: string): Promise<T | undefined> {
  try {
    return await client.get<T>(type, namespace, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Everything but metadata, which is what says whether an object already has the content wanted. */
function contentOf(obj: KObject): string {
  const { metadata: _metadata, ...rest } = obj as KObject & Record<string, unknown>;
  return JSON.stringify(rest);
}

/**
 * Makes the object `want` describes exist with its content: created when missing, else updated unless it already
 * says so. An update keeps the server's metadata (resourceVersion, uid, ...), adds `want`'s labels to the labels there
 * and takes `want`'s ownerReferences when it names any.
 */
export async function createOrUpdate<T extends KObject>(client: KubeClient, type: ResourceType<any>, want: T): Promise<'created' | 'updated' | 'unchanged'> {
  const { namespace, name } = want.metadata;
  const current = await getIfExists<T>(client, type, namespace, name!);
  if (!current) {
    await client.create(type, namespace, want);
    return 'created';
  }
  const labels = current.metadata.labels || want.metadata.labels ? { labels: { ...current.metadata.labels, ...want.metadata.labels } } : {};
  const owners = want.metadata.ownerReferences ? { ownerReferences: want.metadata.ownerReferences } : {};
  const metadata = { ...current.metadata, ...labels, ...owners };
  if (contentOf(current) === contentOf(want) && JSON.stringify(metadata) === JSON.stringify(current.metadata)) return 'unchanged';
  await client.update(type, { ...want, metadata });
  return 'updated';
}
