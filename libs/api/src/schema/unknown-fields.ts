import type { TSchema } from '@sinclair/typebox';

/**
 * Finds fields a schema does not know, and removes them. Kubernetes decodes into typed structs, so unknown
 * fields are dropped (fieldValidation=Ignore), warned about (Warn) or rejected (Strict); this walker is how we
 * do the same from the schema alone.
 */

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema of a map's values, when the schema is a map (TypeBox Record or additionalProperties schema). */
function mapValueSchema(schema: TSchema): TSchema | undefined {
  const pp = schema.patternProperties as Record<string, TSchema> | undefined;
  if (pp) return Object.values(pp)[0];
  if (typeof schema.additionalProperties === 'object') return schema.additionalProperties as TSchema;
  return undefined;
}

function preservesUnknown(schema: TSchema): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
}

/**
 * Walks `value` against `schema`; every unknown field's path (`spec.containers[0].bogus`) goes to `found`.
 * When `prune` is set the unknown fields are deleted in place.
 */
export function walkUnknownFields(schema: TSchema, value: Json, path: string, found: string[], prune: boolean): void {
  if (schema.anyOf) {
    // Unions here are of primitives (int-or-string, quantity) and never hold objects.
    return;
  }
  if (Array.isArray(value)) {
    if (schema.type === 'array' && schema.items) {
      value.forEach((item, i) => walkUnknownFields(schema.items as TSchema, item, `${path}[${i}]`, found, prune));
    }
    return;
  }
  if (!isPlainObject(value) || schema.type !== 'object') return;
  if (preservesUnknown(schema)) return;
  const mapValue = mapValueSchema(schema);
  if (mapValue) {
    for (const [k, v] of Object.entries(value)) walkUnknownFields(mapValue, v, `${path}[${k}]`, found, prune);
    return;
  }
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  for (const k of Object.keys(value)) {
    const child = props[k];
    const childPath = path ? `${path}.${k}` : k;
    if (!child) {
      found.push(childPath);
      if (prune) delete value[k];
      continue;
    }
    walkUnknownFields(child, value[k], childPath, found, prune);
  }
}

export function findUnknownFields(schema: TSchema, value: Json): string[] {
  const found: string[] = [];
  walkUnknownFields(schema, value, '', found, false);
  return found;
}

export function pruneUnknownFields(schema: TSchema, value: Json): string[] {
  const found: string[] = [];
  walkUnknownFields(schema, value, '', found, true);
  return found;
}
