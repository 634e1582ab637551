import { childFieldSchema, type FieldSchema, type ListMapField, type MapField, type StructField, type UntypedField } from './field-schema';
import { listItemElement } from './field-set-of';
import { isSetMember, fieldPathString, valueElement, type FieldSet } from './field-set';

/** An applied configuration that cannot be merged (duplicate list keys), answered as a bad request. */
export class ApplyMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyMergeError';
  }
}

type Obj = Record<string, unknown>;
type ObjectSchema = StructField | MapField | UntypedField;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectSchemaOf(schema: FieldSchema): ObjectSchema {
  return schema.kind === 'struct' || schema.kind === 'map' ? schema : { kind: 'untyped' };
}

/**
 * Merges an applied configuration into the live object as server-side apply does: objects merge field by field
 * (null removes), keyed lists merge item by item, set lists take the fieldSetUnion, anything else is replaced. Live
 * items keep their order and new ones follow in the configuration's order. Neither input is modified.
 */
export function mergeApplied(schema: FieldSchema, live: unknown, config: unknown, path = ''): unknown {
  switch (schema.kind) {
    case 'scalar':
      return config;
    case 'listMap':
      return Array.isArray(config) ? mergeListMap(schema, Array.isArray(live) ? live : [], config, path) : config;
    case 'listSet': {
      if (!Array.isArray(config)) return config;
      const out = Array.isArray(live) ? [...live] : [];
      const present = new Set(out.map(valueElement));
      for (const v of config) {
        const el = valueElement(v);
        if (present.has(el)) continue;
        present.add(el);
        out.push(v);
      }
      return out;
    }
    default: {
      if (!isObject(config)) return config;
      const parent = objectSchemaOf(schema);
      const out: Obj = isObject(live) ? { ...live } : {};
      for (const [k, v] of Object.entries(config)) {
        if (v === undefined) continue;
        if (v === null) delete out[k];
        else out[k] = mergeApplied(childFieldSchema(parent, k), out[k], v, `${path}.${k}`);
      }
      return out;
    }
  }
}

function mergeListMap(schema: ListMapField, live: unknown[], config: unknown[], path: string): unknown[] {
  const applied = new Map<string, unknown>();
  for (const item of config) {
    const el = listItemElement(schema, item);
    if (applied.has(el)) throw new ApplyMergeError(`${path}: duplicate entries for key ${fieldPathString([el])}`);
    applied.set(el, item);
  }
  const out: unknown[] = [];
  for (const item of live) {
    const el = listItemElement(schema, item);
    if (!applied.has(el)) {
      out.push(item);
      continue;
    }
    out.push(mergeApplied(schema.item, item, applied.get(el), `${path}${fieldPathString([el])}`));
    applied.delete(el);
  }
  for (const [el, item] of applied) out.push(mergeApplied(schema.item, undefined, item, `${path}${fieldPathString([el])}`));
  return out;
}

function hasChildren(n: FieldSet): boolean {
  for (const k in n) if (k !== '.') return true;
  return false;
}

/**
 * Removes what an applier applied before (`last`) unless some manager still owns it (`owned`, including the
 * applier's new set). Struct fields count as owned when anything under them is (structured-merge-diff's
 * EnsureNamedFieldsAreMembers); map entries and list items only when owned themselves. Copy on write.
 */
export function pruneApplied(schema: FieldSchema, obj: unknown, last: FieldSet, owned: FieldSet): unknown {
  return pruneValue(schema, obj, last, owned);
}

function pruneValue(schema: FieldSchema, v: unknown, last: FieldSet, owned: FieldSet | undefined): unknown {
  if (schema.kind === 'listMap' && Array.isArray(v)) {
    let changed = false;
    const out: unknown[] = [];
    for (const item of v) {
      const l = last[listItemElement(schema, item)];
      if (!l) {
        out.push(item);
        continue;
      }
      const o = owned?.[listItemElement(schema, item)];
      if (isSetMember(l) && !(o && isSetMember(o))) {
        changed = true;
        continue;
      }
      const pruned = hasChildren(l) ? pruneValue(schema.item, item, l, o) : item;
      if (pruned !== item) changed = true;
      out.push(pruned);
    }
    return changed ? out : v;
  }
  if (schema.kind === 'listSet' && Array.isArray(v)) {
    const out = v.filter((item) => {
      const el = valueElement(item);
      const l = last[el];
      const o = owned?.[el];
      return !(l && isSetMember(l) && !(o && isSetMember(o)));
    });
    return out.length === v.length ? v : out;
  }
  if (schema.kind === 'scalar' || !isObject(v)) return v;
  const parent = objectSchemaOf(schema);
  let out: Obj | undefined;
  for (const el of Object.keys(last)) {
    if (!el.startsWith('f:')) continue;
    const key = el.slice(2);
    if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
    const l = last[el];
    const o = owned?.[el];
    const named = parent.kind === 'struct' && parent.fields.has(key);
    const inLast = named || isSetMember(l);
    const kept = named ? o !== undefined : o !== undefined && isSetMember(o);
    if (inLast && !kept) {
      out ??= { ...v };
      delete out[key];
      continue;
    }
    if (!hasChildren(l)) continue;
    const child = pruneValue(childFieldSchema(parent, key), v[key], l, o);
    if (child !== v[key]) {
      out ??= { ...v };
      out[key] = child;
    }
  }
  return out ?? v;
}
