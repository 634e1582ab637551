import type { TSchema } from '@sinclair/typebox';
import { LabelSelectorSchema } from '../meta/label-selector-schema';

/**
 * How server-side apply sees a schema node (structured-merge-diff's view of an OpenAPI schema): structs merge
 * field by field, maps merge key by key, lists of type map merge by their keys, lists of type set merge by value,
 * and everything else (scalars, plain lists, atomic structs) is replaced whole.
 */
export type FieldSchema = ScalarField | StructField | MapField | ListMapField | ListSetField | UntypedField;

export interface ScalarField {
  kind: 'scalar';
}
export interface StructField {
  kind: 'struct';
  fields: Map<string, FieldSchema>;
}
export interface MapField {
  kind: 'map';
  values: FieldSchema;
}
export interface ListMapField {
  kind: 'listMap';
  keys: string[];
  /** Values used for key fields an item leaves out (Kubernetes' OpenAPI defaults, e.g. protocol TCP). */
  keyDefaults: Map<string, unknown>;
  item: FieldSchema;
}
export interface ListSetField {
  kind: 'listSet';
}
/** Free-form JSON (preserve-unknown-fields): objects merge key by key, lists are atomic. */
export interface UntypedField {
  kind: 'untyped';
}

export const scalarField: ScalarField = { kind: 'scalar' };
export const untypedField: UntypedField = { kind: 'untyped' };

const compiled = new WeakMap<TSchema, FieldSchema>();

/** The apply view of a TypeBox schema; computed once per schema object. */
export function fieldSchemaOf(schema: TSchema): FieldSchema {
  let found = compiled.get(schema);
  if (!found) {
    found = compile(schema);
    compiled.set(schema, found);
  }
  return found;
}

/**
 * LabelSelector is `+structType=atomic` in Kubernetes (a selector is replaced whole, never merged); our schema
 * builders have no marker for that, so it is recognised by its properties, which Opt() shares with the original.
 */
function isAtomicStruct(schema: TSchema): boolean {
  return schema['x-kubernetes-map-type'] === 'atomic' || schema.properties === LabelSelectorSchema.properties;
}

// Kubernetes' OpenAPI gives `protocol` a default of TCP in every list keyed by it; our schemas do not carry it.
const wellKnownKeyDefaults: Record<string, unknown> = { protocol: 'TCP' };

function compile(schema: TSchema): FieldSchema {
  if (schema.anyOf || schema.oneOf) return scalarField;
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && !schema.properties) return untypedField;
  if (schema.type === 'array') {
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'set') return { kind: 'listSet' };
    if (listType === 'map' && schema.items) {
      const keys = (schema['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [];
      const itemSchema = schema.items as TSchema;
      const props = (itemSchema.properties ?? {}) as Record<string, TSchema>;
      const keyDefaults = new Map<string, unknown>();
      for (const k of keys) {
        const d = props[k]?.default ?? wellKnownKeyDefaults[k];
        if (d !== undefined) keyDefaults.set(k, d);
      }
      return { kind: 'listMap', keys: [...keys].sort(), keyDefaults, item: fieldSchemaOf(itemSchema) };
    }
    return scalarField;
  }
  if (schema.type === 'object') {
    if (schema.patternProperties) {
      const values = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
      return { kind: 'map', values: values ? fieldSchemaOf(values) : untypedField };
    }
    if (schema.properties) {
      if (isAtomicStruct(schema)) return scalarField;
      const fields = new Map<string, FieldSchema>();
      for (const [name, child] of Object.entries(schema.properties as Record<string, TSchema>)) fields.set(name, fieldSchemaOf(child));
      return { kind: 'struct', fields };
    }
    if (typeof schema.additionalProperties === 'object') return { kind: 'map', values: fieldSchemaOf(schema.additionalProperties as TSchema) };
    return untypedField;
  }
  if (schema.type === undefined && !schema.const) return untypedField;
  return scalarField;
}

/** The schema of a struct field or map value; unknown struct fields are treated as free-form. */
export function childFieldSchema(parent: StructField | MapField | UntypedField, key: string): FieldSchema {
  if (parent.kind === 'struct') return parent.fields.get(key) ?? untypedField;
  if (parent.kind === 'map') return parent.values;
  return untypedField;
}
