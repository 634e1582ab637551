import type { KObject, ResourceType, Table } from '@skiff/api';
import { apiErrorFromResponse, listQuery, queryString, resourcePath, type HttpKubeClient, type ListOptions } from '@skiff/client';

/** kubectl's Accept header for `get`: a server-side Table, falling back to plain JSON. */
export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/**
 * Asks the server for a Table of one object or a collection. `includeObject` is `Object` when the CLI needs
 * whole objects (sorting), else `Metadata` (namespace and labels columns).
 */
export async function fetchTable(
  client: HttpKubeClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string | undefined,
  opts: ListOptions & { includeObject?: 'Metadata' | 'Object' } = {},
): Promise<Table> {
  const query = name === undefined ? listQuery(opts) : {};
  const path = resourcePath(type, { namespace, name }) + queryString({ ...query, includeObject: opts.includeObject ?? 'Metadata' });
  const res = await client.rawRequest('GET', path, undefined, { Accept: tableAccept });
  if (res.status < 200 || res.status >= 300) throw apiErrorFromResponse(res.status, res.body, 'GET', path);
  const body = JSON.parse(res.body) as Table | KObject;
  if (body.kind !== 'Table') throw new Error(`GET ${path}: the server answered ${body.kind ?? 'something'} instead of a Table`);
  return body as Table;
}
