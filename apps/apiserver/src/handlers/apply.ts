import type { Request, Response } from 'express';
import { apiVersionOf, type KObject } from '@skiff/api';
import { userOf } from '../auth/request-user';
import { applyToObject } from '../registry/field-manager';
import { registryFor, type ApiContext } from './api-context';
import { parseYAML, readBody } from './body';
import { decodeObject, fieldValidationOf } from './decode';
import type { RequestInfo } from './request-info';
import { checkIdentity } from './object-writes';
import { sendJSON } from './respond';
import { badRequest, invalid, StatusError } from './status-error';
import { isDryRun } from './write-options';

type Query = Record<string, unknown>;

const maxManagerLength = 128;
const maxCreateRaces = 3;

/** PatchOptions are checked before anything else, as Kubernetes does: 422 on the options object. */
function applyOptionsOf(query: Query): { manager: string; force: boolean } {
  const manager = typeof query.fieldManager === 'string' ? query.fieldManager : '';
  if (!manager) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' }]);
  }
  if (manager.length > maxManagerLength) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [
      { type: 'FieldValueTooLong', field: 'fieldManager', value: manager, detail: `may not be more than ${maxManagerLength} bytes` },
    ]);
  }
  const force = query.force;
  if (force !== undefined && force !== 'true' && force !== 'false' && force !== '') {
    throw badRequest(`force: invalid value "${String(force)}": must be true or false`);
  }
  return { manager, force: force === 'true' };
}

/**
 * PATCH with `application/apply-patch+yaml`: server-side apply. Creates the object when it does not exist (201),
 * otherwise merges the configuration into it (200); conflicts with other managers' fields are 409 unless
 * `force=true`.
 */
export async function serveApply(ctx: ApiContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  const { type, namespace, name } = info;
  const registry = registryFor(ctx, type);
  const query = req.query as Query;
  const { manager, force } = applyOptionsOf(query);
  const raw = (await readBody(req)).toString('utf8');
  if (!raw.trim()) throw badRequest('the patch body is empty');
  const body = parseYAML(raw);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('error decoding YAML: the apply configuration must be an object');
  const sent = body as Record<string, unknown>;
  const expectedVersion = apiVersionOf(type);
  if (sent.apiVersion !== expectedVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(sent.apiVersion ?? '')}, expected: ${expectedVersion}`);
  }
  if (sent.kind !== type.kind) {
    const kind = String(sent.kind ?? '');
    throw badRequest(`failed to create typed patch object (${namespace ? `${namespace}/` : ''}${name}; ${expectedVersion}, Kind=${kind}): no corresponding type for ${expectedVersion}, Kind=${kind}`);
  }
  if ((sent.metadata as { managedFields?: unknown } | undefined)?.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const { obj: config, warnings } = decodeObject(type, JSON.parse(JSON.stringify(sent)) as Record<string, unknown>, fieldValidationOf(query));
  checkIdentity(config, info);
  // Status belongs to /status; an apply to the main resource neither sets nor owns it.
  if (type.hasStatusSubresource) delete config.status;
  const writeCtx = { user: userOf(req), dryRun: isDryRun(query) };
  const applyTo = (live: KObject | undefined) => applyToObject(type, live, config, { manager, force, sent });
  if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));

  for (let attempt = 0; ; attempt++) {
    try {
      const updated = await registry.update(namespace, name!, applyTo, writeCtx, { isPatch: true });
      return sendJSON(res, 200, updated);
    } catch (e) {
      if (!(e instanceof StatusError) || e.code !== 404 || e.details?.kind !== type.resource) throw e;
    }
    try {
      const created = await registry.create(namespace, applyTo(undefined), writeCtx);
      return sendJSON(res, 201, created);
    } catch (e) {
      // Someone created it between our read and our create: apply to theirs.
      if (e instanceof StatusError && e.reason === 'AlreadyExists' && attempt < maxCreateRaces) continue;
      throw e;
    }
  }
}
