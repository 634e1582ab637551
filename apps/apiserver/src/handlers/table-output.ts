import type { Request, Response } from 'express';
import {
  buildTable,
  includeObjectValues,
  tablePrinterFor,
  type IncludeObject,
  type KObject,
  type ListMeta,
  type ResourceType,
  type TableGroupVersion,
  type VersionedTable,
} from '@skiff/api';
import { objectOf, type CachedObject } from '../storage/watch-cache';
import type { ListResult } from './list';
import { badRequest } from './status-error';

/** A request for `kubectl get`'s server-side rendering: which meta.k8s.io version, and what each row carries. */
export interface TableRequest {
  groupVersion: TableGroupVersion;
  includeObject: IncludeObject;
}

interface AcceptEntry {
  mediaType: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): AcceptEntry[] {
  const entries = header.split(',').map((part): AcceptEntry => {
    const [type, ...rawParams] = part.split(';');
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    const q = params.has('q') ? Number(params.get('q')) : 1;
    return { mediaType: type.trim().toLowerCase(), params, q: Number.isNaN(q) ? 0 : q };
  });
  // Stable: among equal q values the client's order decides.
  return entries.filter((e) => e.mediaType && e.q > 0).sort((a, b) => b.q - a.q);
}

const jsonMediaTypes = new Set(['application/json', 'application/*', '*/*']);

/**
 * The Table the client asked for, when the best media type this server can produce is a meta.k8s.io Table
 * (`application/json;as=Table;v=v1;g=meta.k8s.io`). Protobuf and other types it cannot produce are passed over;
 * plain JSON, or nothing servable at all, means undefined: the plain object, as without Table support.
 */
export function tableRequestOf(req: Request): TableRequest | undefined {
  const accept = req.headers.accept;
  if (!accept || !accept.includes('as=')) return undefined;
  for (const entry of parseAccept(accept)) {
    if (!jsonMediaTypes.has(entry.mediaType)) continue;
    const as = entry.params.get('as');
    if (as === undefined) return undefined;
    const version = entry.params.get('v');
    if (as === 'Table' && entry.params.get('g') === 'meta.k8s.io' && (version === 'v1' || version === 'v1beta1')) {
      return { groupVersion: `meta.k8s.io/${version}`, includeObject: includeObjectOf(req.query.includeObject) };
    }
  }
  return undefined;
}

function includeObjectOf(value: unknown): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (typeof value === 'string' && (includeObjectValues as readonly string[]).includes(value)) return value as IncludeObject;
  throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(String(value))}: supported values: "None", "Metadata", "Object"`);
}

function tableOf(type: ResourceType, objects: readonly KObject[], metadata: ListMeta, tr: TableRequest, omitColumns = false): VersionedTable {
  return buildTable(tablePrinterFor(type.group, type.kind), objects, metadata, {
    includeObject: tr.includeObject,
    groupVersion: tr.groupVersion,
    now: Date.now(),
    omitColumns,
  });
}

/** A single GET answers with a one-row Table carrying the object's resourceVersion. */
export function tableOfObject(type: ResourceType, obj: KObject, tr: TableRequest): VersionedTable {
  return tableOf(type, [obj], { resourceVersion: obj.metadata.resourceVersion }, tr);
}

export function tableOfList(type: ResourceType, result: ListResult, tr: TableRequest): VersionedTable {
  const metadata: ListMeta = { resourceVersion: result.resourceVersion };
  if (result.continueToken) metadata.continue = result.continueToken;
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  return tableOf(type, result.objects(), metadata, tr);
}

export function sendTable(res: Response, table: VersionedTable): void {
  const text = JSON.stringify(table);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}

/**
 * Renders each watch event's object as a one-row Table for one watcher. Like Kubernetes, only the first event
 * carries columnDefinitions; later ones (DELETED included) send rows alone.
 */
export function tableWatchEncoder(type: ResourceType, tr: TableRequest): (c: CachedObject) => string {
  let columnsSent = false;
  return (c) => {
    const obj = objectOf(c);
    const table = tableOf(type, [obj], { resourceVersion: obj.metadata.resourceVersion }, tr, columnsSent);
    columnsSent = true;
    return JSON.stringify(table);
  };
}
