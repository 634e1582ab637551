import { childFieldSchema, type FieldSchema, type ListMapField } from './field-schema';
import { emptyFieldSet, fieldElement, keyElement, makeFieldSetNode, sortFieldSetEntries, valueElement, type FieldSet } from './field-set';

/**
 * The fields an object sets (structured-merge-diff's ToFieldSet, which is what an applier owns): every scalar,
 * atomic value, empty or null value, map entry and list item; struct fields are members only through their
 * children. Paths in `ignore` (server-owned metadata) are left out.
 */
export function fieldSetOf(schema: FieldSchema, obj: unknown, ignore?: FieldSet): FieldSet {
  if (!isObject(obj)) return emptyFieldSet;
  return makeFieldSetNode(false, objectChildren(schema, obj, ignore)) ?? emptyFieldSet;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectChildren(schema: FieldSchema, obj: Record<string, unknown>, ignore: FieldSet | undefined): [string, FieldSet][] {
  const parent = schema.kind === 'struct' || schema.kind === 'map' ? schema : ({ kind: 'untyped' } as const);
  const entriesAreMembers = schema.kind !== 'struct';
  const keys = Object.keys(obj).sort();
  const out: [string, FieldSet][] = [];
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    const el = fieldElement(key);
    const skip = ignore?.[el];
    if (skip && !hasKeys(skip)) continue;
    const child = childFieldSchema(parent, key);
    const node = valueNode(child, v, skip, entriesAreMembers || (parent.kind === 'struct' && !parent.fields.has(key)));
    if (node) out.push([el, node]);
  }
  return out;
}

function hasKeys(n: object): boolean {
  for (const _ in n) return true;
  return false;
}

function valueNode(schema: FieldSchema, v: unknown, ignore: FieldSet | undefined, member: boolean): FieldSet | undefined {
  if (v === null) return makeFieldSetNode(true, []);
  switch (schema.kind) {
    case 'scalar':
      return makeFieldSetNode(true, []);
    case 'untyped':
    case 'struct':
    case 'map': {
      if (!isObject(v)) return makeFieldSetNode(true, []);
      const children = objectChildren(schema, v, ignore);
      return makeFieldSetNode(member || !hasKeys(v), children);
    }
    case 'listMap': {
      if (!Array.isArray(v)) return makeFieldSetNode(true, []);
      return makeFieldSetNode(member, listMapItems(schema, v));
    }
    case 'listSet': {
      if (!Array.isArray(v)) return makeFieldSetNode(true, []);
      const entries: [string, FieldSet][] = [];
      const seen = new Set<string>();
      for (const item of v) {
        const el = valueElement(item);
        if (seen.has(el)) continue;
        seen.add(el);
        entries.push([el, makeFieldSetNode(true, [])!]);
      }
      return makeFieldSetNode(member, sortFieldSetEntries(entries));
    }
  }
}

/** The `k:` element naming a keyed list item, with Kubernetes' defaults for key fields the item leaves out. */
export function listItemElement(schema: ListMapField, item: unknown): string {
  const values = schema.keys.map((k) => {
    const v = isObject(item) ? item[k] : undefined;
    return v === undefined ? schema.keyDefaults.get(k) : v;
  });
  return keyElement(schema.keys, values);
}

function listMapItems(schema: ListMapField, list: unknown[]): [string, FieldSet][] {
  const entries: [string, FieldSet][] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const el = listItemElement(schema, item);
    if (seen.has(el)) continue;
    seen.add(el);
    const children = isObject(item) ? objectChildren(schema.item, item, undefined) : [];
    entries.push([el, makeFieldSetNode(true, children)!]);
  }
  return sortFieldSetEntries(entries);
}
