import type { Request, Response } from 'express';
import type { KObject } from '@skiff/api';
import { userOf } from '../auth/request-user';
import { fieldManagerOf } from '../registry/field-manager';
import { serveApply } from './apply';
import { registryFor, type ApiContext } from './api-context';
import { mediaTypeOf, readObjectBodySource, readOptionalOptionsBody } from './body';
import { decodeObject, fieldValidationOf } from './decode';
import { listBody, listObjects } from './list';
import { objectOf } from '../storage/watch-cache';
import type { RequestInfo } from './request-info';
import { parseSelection } from './selection';
import { badRequest, methodNotAllowed, notFound } from './status-error';
import { serveSubresource } from './subresources';
import { serveUnstoredCreate } from './unstored-creates';
import { checkIdentity, patchObject } from './object-writes';
import { sendJSON } from './respond';
import { sendTable, tableOfList, tableOfObject, tableRequestOf, tableWatchEncoder } from './table-output';
import { serveWatch } from './watch';
import { deleteOptionsFrom, intParam, isDryRun } from './write-options';

type Query = Record<string, unknown>;

function setWarnings(res: Response, warnings: string[]): void {
  if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

/** Serves one resource request once routing has parsed it. */
export async function serveResource(ctx: ApiContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  if (!info.type.stored) return serveUnstoredCreate(ctx, info, req, res);
  if (info.subresource) return serveSubresource(ctx, info, req, res);
  const { type, namespace, name } = info;
  const registry = registryFor(ctx, type);
  const query = req.query as Query;
  const user = userOf(req);
  const verbAllowed = type.verbs.includes(info.verb);
  if (!verbAllowed) throw methodNotAllowed(`${info.verb} is not supported on ${type.resource}`);

  switch (info.verb) {
    case 'get': {
      const table = tableRequestOf(req);
      if (query.resourceVersion === '0' && registry.cache.ready) {
        const c = registry.cache.get(registry.key(namespace, name!));
        if (!c) throw notFound(type, name!);
        return table ? sendTable(res, tableOfObject(type, objectOf(c), table)) : sendJSON(res, 200, c.json);
      }
      const obj = await registry.get(namespace, name!);
      return table ? sendTable(res, tableOfObject(type, obj, table)) : sendJSON(res, 200, obj);
    }
    case 'list': {
      const table = tableRequestOf(req);
      const sel = parseSelection(type, namespace, query);
      const result = await listObjects(type, ctx.store, registry.cache, sel, {
        resourceVersion: query.resourceVersion as string | undefined,
        resourceVersionMatch: query.resourceVersionMatch as string | undefined,
        limit: intParam(query.limit, 'limit'),
        continue: query.continue as string | undefined,
      });
      return table ? sendTable(res, tableOfList(type, result, table)) : sendJSON(res, 200, listBody(type, result));
    }
    case 'watch': {
      const table = tableRequestOf(req);
      const sel = parseSelection(type, namespace, name ? { ...query, fieldSelector: joinSelectors(query.fieldSelector, `metadata.name=${name}`) } : query);
      await registry.cache.start();
      const labels = { group: type.group, resource: type.resource };
      ctx.metrics.openWatches.inc(labels, 0);
      return serveWatch(req, res, type, registry.cache, sel, {
        resourceVersion: query.resourceVersion as string | undefined,
        timeoutSeconds: intParam(query.timeoutSeconds, 'timeoutSeconds'),
        allowWatchBookmarks: query.allowWatchBookmarks === 'true' || query.allowWatchBookmarks === '1',
        encodeObject: table && tableWatchEncoder(type, table),
      });
    }
    case 'create': {
      const { body, source } = await readObjectBodySource(req);
      const { obj, warnings } = decodeObject(type, body, fieldValidationOf(query), source);
      const bodyNs = obj.metadata.namespace;
      if (type.namespaced && bodyNs && namespace && bodyNs !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (type.namespaced && !namespace) throw methodNotAllowed(`create of ${type.resource} needs a namespace in the path`);
      const created = await registry.create(namespace, obj, { user, dryRun: isDryRun(query), fieldManager: fieldManagerOf(req) });
      setWarnings(res, warnings);
      return sendJSON(res, 201, created);
    }
    case 'update': {
      const { body, source } = await readObjectBodySource(req);
      const { obj, warnings } = decodeObject(type, body, fieldValidationOf(query), source);
      checkIdentity(obj, info);
      const updated = await registry.update(namespace, name!, () => obj, { user, dryRun: isDryRun(query), fieldManager: fieldManagerOf(req) });
      setWarnings(res, warnings);
      return sendJSON(res, 200, updated);
    }
    case 'patch': {
      if (mediaTypeOf(req) === 'apply-patch') return serveApply(ctx, info, req, res);
      const { updated, warnings } = await patchObject(ctx, info, req, undefined);
      setWarnings(res, warnings);
      return sendJSON(res, 200, updated);
    }
    case 'delete': {
      const opts = deleteOptionsFrom(await readOptionalOptionsBody(req), query);
      const deleted = await registry.delete(namespace, name!, opts, { user, dryRun: isDryRun(query, opts) });
      return sendJSON(res, 200, deleted);
    }
    case 'deletecollection': {
      const opts = deleteOptionsFrom(await readOptionalOptionsBody(req), query);
      const sel = parseSelection(type, namespace, query);
      const listed = await listObjects(type, ctx.store, registry.cache, sel, {});
      const deleted: KObject[] = [];
      for (const obj of listed.objects()) {
        try {
          deleted.push(await registry.delete(obj.metadata.namespace, obj.metadata.name!, opts, { user, dryRun: isDryRun(query, opts) }));
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e;
        }
      }
      return sendJSON(res, 200, { kind: type.listKind, apiVersion: deleted[0]?.apiVersion ?? '', metadata: {}, items: deleted });
    }
  }
}

function joinSelectors(existing: unknown, extra: string): string {
  return typeof existing === 'string' && existing ? `${existing},${extra}` : extra;
}
