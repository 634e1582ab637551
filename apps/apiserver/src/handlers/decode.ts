import { apiVersionOf, dropNullFields, findUnknownFields, pruneUnknownFields, type KObject, type ResourceType } from '@skiff/api';
import { findDuplicateFields, type BodySource } from './duplicate-fields';
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
 * does not know, and duplicate fields in `source` (the body's text, when there is one), as the fieldValidation
 * mode says: reject them all (Strict), warn and drop (Warn), or drop silently (Ignore). Returns the warnings.
 */
export function decodeObject(
  type: ResourceType,
  body: Record<string, unknown>,
  mode: FieldValidation,
  source?: BodySource,
): { obj: KObject; warnings: string[] } {
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
  // A null leaves a field unset, as decoding into Kubernetes' typed structs does (`creationTimestamp: null`).
  dropNullFields(type.schema, body);
  if (mode === 'Ignore') {
    pruneUnknownFields(type.schema, body);
    return { obj: body as unknown as KObject, warnings: [] };
  }
  const unknown = findUnknownFields(type.schema, body).map((f) => `unknown field "${f}"`);
  const duplicates = source ? findDuplicateFields(source) : [];
  // Kubernetes reports YAML's duplicate keys before anything else and JSON's as it meets them.
  const strictErrors = source?.format === 'yaml' ? [...duplicates, ...unknown] : [...unknown, ...duplicates];
  if (strictErrors.length && mode === 'Strict') {
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${strictErrors.join(', ')}`);
  }
  if (unknown.length) pruneUnknownFields(type.schema, body);
  return { obj: body as unknown as KObject, warnings: strictErrors };
}
