import type { TSchema } from '@sinclair/typebox';

/**
 * What strategic merge patch needs to know about a field, read from the kind's TypeBox schema: the
 * `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key` extensions (the builders' ListMap, ListSet
 * and RetainKeys set them) and the schemas one level down. A part of the document the schema does not
 * describe (RawJSON, unknown fields) yields `undefined`, and is then patched with JSON merge patch rules.
 */

/** How a list field is patched. */
export interface ListPatchMeta {
  /** `merge`: maps are merged by `mergeKey`, primitives as a set. `replace`: the patch's list wins. */
  strategy: 'merge' | 'replace';
  mergeKey?: string;
  items?: TSchema;
}

/** The schema itself or, for a union, its first member of the wanted JSON type. */
function schemaOfType(schema: TSchema | undefined, type: 'object' | 'array'): TSchema | undefined {
  if (!schema) return undefined;
  if (schema.type === type) return schema;
  const members = schema.anyOf as TSchema[] | undefined;
  return members?.find((m) => m.type === type);
}

function strategiesOf(schema: TSchema | undefined): string[] {
  const raw = schema?.['x-kubernetes-patch-strategy'];
  return typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [];
}

/** The schema of `key` inside a map value: a struct's property, or a map's (Record's) value schema. */
export function fieldSchema(schema: TSchema | undefined, key: string): TSchema | undefined {
  const obj = schemaOfType(schema, 'object');
  if (!obj) return undefined;
  const props = obj.properties as Record<string, TSchema> | undefined;
  if (props && Object.prototype.hasOwnProperty.call(props, key)) return props[key];
  const pattern = obj.patternProperties as Record<string, TSchema> | undefined;
  if (pattern) return Object.values(pattern)[0];
  if (typeof obj.additionalProperties === 'object') return obj.additionalProperties as TSchema;
  return undefined;
}

export function listPatchMeta(schema: TSchema | undefined): ListPatchMeta {
  const arr = schemaOfType(schema, 'array');
  if (!arr) return { strategy: 'replace' };
  const mergeKey = arr['x-kubernetes-patch-merge-key'];
  return {
    strategy: strategiesOf(arr).includes('merge') ? 'merge' : 'replace',
    mergeKey: typeof mergeKey === 'string' ? mergeKey : undefined,
    items: arr.items as TSchema | undefined,
  };
}

/** A map field marked `x-kubernetes-patch-strategy: replace` is taken from the patch whole, never merged. */
export function mapIsReplaced(schema: TSchema | undefined): boolean {
  return strategiesOf(schemaOfType(schema, 'object')).includes('replace');
}
