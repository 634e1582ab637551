import { childFieldSchema, type FieldSchema } from './field-schema';
import { listItemElement } from './field-set-of';
import { emptyFieldSet, fieldElement, makeFieldSetNode, sortFieldSetEntries, valueElement, type FieldSet } from './field-set';

/** What changed between two versions of an object, as field sets (no path is in more than one). */
export interface FieldComparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

type Entries = [string, FieldSet][];
interface Changes {
  added: Entries;
  modified: Entries;
  removed: Entries;
}

const leaf = (): FieldSet => makeFieldSetNode(true, [])!;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Structural equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Compares `before` and `after` field by field (structured-merge-diff's Compare): changed leaves are
 * modified; a path present on one side only is added or removed together with everything under it.
 * Paths in `ignore` are skipped.
 */
export function compareObjects(schema: FieldSchema, before: unknown, after: unknown, ignore?: FieldSet): FieldComparison {
  const changes: Changes = { added: [], modified: [], removed: [] };
  if (isObject(before) && isObject(after)) compareObjects_(schema, before, after, ignore, changes);
  return {
    added: makeFieldSetNode(false, changes.added) ?? emptyFieldSet,
    modified: makeFieldSetNode(false, changes.modified) ?? emptyFieldSet,
    removed: makeFieldSetNode(false, changes.removed) ?? emptyFieldSet,
  };
}

function isLeaf(schema: FieldSchema, a: unknown, b: unknown): boolean {
  if (a === null || b === null || schema.kind === 'scalar') return true;
  if (schema.kind === 'listMap' || schema.kind === 'listSet') {
    return !Array.isArray(a) || !Array.isArray(b) || (a.length === 0 && b.length === 0);
  }
  return !isObject(a) || !isObject(b) || (!hasKeys(a) && !hasKeys(b));
}

function compareChild(schema: FieldSchema, a: unknown, b: unknown, ignore: FieldSet | undefined, el: string, out: Changes): void {
  if (a === undefined) {
    if (b !== undefined) out.added.push([el, wholeNode(schema, b, ignore)]);
    return;
  }
  if (b === undefined) {
    out.removed.push([el, wholeNode(schema, a, ignore)]);
    return;
  }
  // Most of an object is untouched by a write; an equality check is far cheaper than a structured walk.
  if (jsonEqual(a, b)) return;
  if (isLeaf(schema, a, b)) {
    out.modified.push([el, leaf()]);
    return;
  }
  const sub: Changes = { added: [], modified: [], removed: [] };
  if (schema.kind === 'listMap') compareListMaps(schema, a as unknown[], b as unknown[], sub);
  else if (schema.kind === 'listSet') compareListSets(a as unknown[], b as unknown[], sub);
  else compareObjects_(schema, a as Record<string, unknown>, b as Record<string, unknown>, ignore, sub);
  for (const kind of ['added', 'modified', 'removed'] as const) {
    const node = makeFieldSetNode(false, sub[kind]);
    if (node) out[kind].push([el, node]);
  }
}

function compareObjects_(schema: FieldSchema, a: Record<string, unknown>, b: Record<string, unknown>, ignore: FieldSet | undefined, out: Changes): void {
  const parent = schema.kind === 'struct' || schema.kind === 'map' ? schema : ({ kind: 'untyped' } as const);
  const keys = Object.keys(a);
  for (const k of Object.keys(b)) if (!Object.prototype.hasOwnProperty.call(a, k)) keys.push(k);
  keys.sort();
  for (const k of keys) {
    const el = fieldElement(k);
    const skip = ignore?.[el];
    if (skip && !hasKeys(skip)) continue;
    compareChild(childFieldSchema(parent, k), a[k], b[k], skip, el, out);
  }
}

function compareListMaps(schema: FieldSchema & { kind: 'listMap' }, a: unknown[], b: unknown[], out: Changes): void {
  const before = new Map<string, unknown>();
  for (const item of a) {
    const el = listItemElement(schema, item);
    if (!before.has(el)) before.set(el, item);
  }
  const after = new Map<string, unknown>();
  for (const item of b) {
    const el = listItemElement(schema, item);
    if (!after.has(el)) after.set(el, item);
  }
  const elements = [...before.keys()];
  for (const el of after.keys()) if (!before.has(el)) elements.push(el);
  const sorted = sortFieldSetEntries(elements.map((el): [string, FieldSet] => [el, emptyFieldSet]));
  for (const [el] of sorted) compareChild(schema.item, before.get(el), after.get(el), undefined, el, out);
}

function compareListSets(a: unknown[], b: unknown[], out: Changes): void {
  const before = new Set(a.map(valueElement));
  const after = new Set(b.map(valueElement));
  const added: Entries = [];
  const removed: Entries = [];
  for (const el of after) if (!before.has(el)) added.push([el, leaf()]);
  for (const el of before) if (!after.has(el)) removed.push([el, leaf()]);
  out.added.push(...sortFieldSetEntries(added));
  out.removed.push(...sortFieldSetEntries(removed));
}

/** A value present on one side only: it and everything under it (built directly: this is the create hot path). */
function wholeNode(schema: FieldSchema, v: unknown, ignore: FieldSet | undefined): FieldSet {
  if (v === null || schema.kind === 'scalar') return leaf();
  if (schema.kind === 'listMap') {
    if (!Array.isArray(v) || v.length === 0) return leaf();
    const entries: Entries = [];
    const seen = new Set<string>();
    for (const item of v) {
      const el = listItemElement(schema, item);
      if (seen.has(el)) continue;
      seen.add(el);
      entries.push([el, wholeNode(schema.item, item, undefined)]);
    }
    return makeFieldSetNode(true, sortFieldSetEntries(entries))!;
  }
  if (schema.kind === 'listSet') {
    if (!Array.isArray(v) || v.length === 0) return leaf();
    const els = [...new Set(v.map(valueElement))];
    return makeFieldSetNode(true, sortFieldSetEntries(els.map((el): [string, FieldSet] => [el, leaf()])))!;
  }
  if (!isObject(v)) return leaf();
  const keys = Object.keys(v);
  if (keys.length > 1) keys.sort();
  const out: FieldSet = { '.': leaf() };
  let children = 0;
  for (const k of keys) {
    const child = v[k];
    if (child === undefined) continue;
    const el = fieldElement(k);
    const skip = ignore?.[el];
    if (skip && !hasKeys(skip)) continue;
    out[el] = wholeNode(childFieldSchema(schema, k), child, skip);
    children++;
  }
  return children ? out : leaf();
}
