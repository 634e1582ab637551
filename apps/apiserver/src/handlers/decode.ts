import { apiVersionOf, findUnknownFields, pruneUnknownFields, type KObject, type ResourceType } from '@skiff/api';
import { badRequest } from './status-error';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(query: Record<string, unknown>): FieldValidation {
  const v = query.fieldValidation;
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${String(v)}": supported values: "Ignore", "Strict", "Warn"`);
}

/**
 * Turns a request body into an object of `type`: checks apiVersion and kind, then handles fields the schema
 * does not know as the fieldValidation mode says (reject, warn and drop, or drop). Returns the warnings.
 */
export function decodeObject(type: ResourceType, body: Record<string, unknown>, mode: FieldValidation): { obj: KObject; warnings: string[] } {
  const expectedVersion = apiVersionOf(type);
  if (body.apiVersion !== undefined && body.apiVersion !== expectedVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expectedVersion})`);
  }
  if (body.kind !== undefined && body.kind !== type.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`);
  }
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || body.metadata === null || Array.isArray(body.metadata))) {
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: metadata must be an object`);
  }
  // Rebuilt so that apiVersion, kind and metadata lead, as Kubernetes serialises objects.
  const { apiVersion: _a, kind: _k, metadata, ...rest } = body;
  body = { apiVersion: expectedVersion, kind: type.kind, metadata: metadata ?? {}, ...rest };
  // Clients send these empty; they carry nothing.
  const meta = body.metadata as Record<string, unknown>;
  if (meta.creationTimestamp === null) delete meta.creationTimestamp;
  const unknown = mode === 'Ignore' ? pruneUnknownFields(type.schema, body) : findUnknownFields(type.schema, body);
  if (unknown.length && mode === 'Strict') {
    const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`);
  }
  const warnings: string[] = [];
  if (unknown.length && mode === 'Warn') {
    pruneUnknownFields(type.schema, body);
    for (const f of unknown) warnings.push(`unknown field "${f}"`);
  }
  return { obj: body as unknown as KObject, warnings };
}
