import type { Request } from 'express';
import type { KObject } from '@skiff/api';
import { userOf } from '../auth/request-user';
import { fieldManagerOf } from '../registry/field-manager';
import { registryFor, type ApiContext } from './api-context';
import { mediaTypeOf, parseJSON, parseYAML, readBody } from './body';
import { decodeObject, fieldValidationOf } from './decode';
import { patchApplierFor } from './patch';
import type { RequestInfo } from './request-info';
import { badRequest } from './status-error';
import { isDryRun } from './write-options';

type Query = Record<string, unknown>;

/** A body's name and namespace must agree with the URL. */
export function checkIdentity(obj: KObject, info: RequestInfo): void {
  if (obj.metadata.name && obj.metadata.name !== info.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
  }
  if (info.type.namespaced && obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.name = info.name;
  if (info.type.namespaced) obj.metadata.namespace = info.namespace;
}

/** Applies a PATCH to the stored object (retrying on conflicts) and decodes the result like any write. */
export async function patchObject(
  ctx: ApiContext,
  info: RequestInfo,
  req: Request,
  subresource: string | undefined,
): Promise<{ updated: KObject; warnings: string[] }> {
  const registry = registryFor(ctx, info.type);
  const query = req.query as Query;
  const mediaType = mediaTypeOf(req);
  const apply = patchApplierFor(mediaType, info.type.schema);
  const raw = (await readBody(req)).toString('utf8');
  if (!raw.trim()) throw badRequest('the patch body is empty');
  const patch = mediaType === 'apply-patch' ? parseYAML(raw) : parseJSON(raw);
  const mode = fieldValidationOf(query);
  let warnings: string[] = [];
  const updated = await registry.update(
    info.namespace,
    info.name!,
    (current) => {
      const patched = apply(current, patch);
      if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw badRequest('the patch produced something other than an object');
      const decoded = decodeObject(info.type, patched as Record<string, unknown>, mode, { text: raw, format: mediaType === 'apply-patch' ? 'yaml' : 'json' });
      warnings = decoded.warnings;
      checkIdentity(decoded.obj, info);
      return decoded.obj;
    },
    { user: userOf(req), dryRun: isDryRun(query), fieldManager: fieldManagerOf(req) },
    { subresource, isPatch: true },
  );
  return { updated, warnings };
}
