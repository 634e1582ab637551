import type { TSchema } from '@sinclair/typebox';
import {
  deleteFromPrimitiveListPrefix,
  directiveField,
  hasPatchDirective,
  patchDirective,
  retainKeysDirective,
  setElementOrderPrefix,
} from './directives';
import { elementKind, isJsonMap, jsonEqual, type ElementKind, type JsonMap } from './json-value';
import { byMergeKey, byValue, checkPatchFollowsOrder, orderMergedList } from './list-order';
import { badPatch, noMergeKey, showJSON, unprocessablePatch } from './patch-errors';
import { fieldSchema, listPatchMeta, mapIsReplaced, type ListPatchMeta } from './patch-meta';

/**
 * Kubernetes' strategic merge patch, driven by the kind's schema: maps merge recursively and `null` deletes a
 * key; lists are replaced unless their schema says `x-kubernetes-patch-strategy: merge`, in which case lists of
 * maps merge item by item on `x-kubernetes-patch-merge-key` and lists of primitives are unioned; the `$patch`,
 * `$retainKeys`, `$setElementOrder/` and `$deleteFromPrimitiveList/` directives are honoured and never left in
 * the result. Neither argument is modified. Throws StrategicMergePatchError for a malformed patch.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: TSchema): unknown {
  if (!isJsonMap(patch)) throw badPatch('invalid JSON document: a strategic merge patch must be a JSON object');
  const base = isJsonMap(original) ? structuredClone(original) : {};
  return mergeMap(base, structuredClone(patch), schema);
}

/** The value a field takes when the patch leaves it out (a new map that says `$patch: delete`). */
const absent = Symbol('absent');
type Patched = unknown;

const has = (m: JsonMap, key: string) => Object.prototype.hasOwnProperty.call(m, key);

/** Merges `patch` into `original`; both are private copies, so both are consumed in place. */
function mergeMap(original: JsonMap, patch: JsonMap, schema: TSchema | undefined): JsonMap {
  if (has(patch, patchDirective)) return mapDirective(patch, schema);
  applyRetainKeys(original, patch);
  applyElementOrders(original, patch, schema);
  const deletionLists: [string, unknown][] = [];
  for (const [key, value] of Object.entries(patch)) {
    const listField = directiveField(key, deleteFromPrimitiveListPrefix);
    if (listField !== undefined) deletionLists.push([listField, value]);
    else mergeField(original, key, value, schema);
  }
  // Removals come after additions, as when `$setElementOrder` (always handled first) adds the same list's items.
  for (const [field, values] of deletionLists) deleteFromPrimitiveList(original, field, values);
  return original;
}

function mapDirective(patch: JsonMap, schema: TSchema | undefined): JsonMap {
  const directive = patch[patchDirective];
  // Kubernetes leaves an empty map behind rather than removing the field.
  if (directive === 'delete') return {};
  if (directive === 'replace') {
    delete patch[patchDirective];
    return mergeMap({}, patch, schema);
  }
  // `$patch: merge` is documented but Kubernetes rejects it on maps and in lists alike.
  throw badPatch(`unknown patch type: ${String(directive)} in map: ${showJSON(patch)}`);
}

function mergeField(original: JsonMap, key: string, value: unknown, schema: TSchema | undefined): void {
  if (value === null) {
    delete original[key];
    return;
  }
  const sub = fieldSchema(schema, key);
  const current = original[key];
  let next: Patched;
  if (!has(original, key)) next = newValue(value, sub);
  else if (isJsonMap(current) && isJsonMap(value)) next = mapIsReplaced(sub) ? newValue(value, sub) : mergeMap(current, value, sub);
  else if (Array.isArray(current) && Array.isArray(value)) next = mergeListField(current, value, listPatchMeta(sub));
  else next = newValue(value, sub);
  if (next === absent) delete original[key];
  else original[key] = next;
}

/**
 * A patch value for a field the live object lacks (or holds with another JSON type): merged into nothing, so
 * nulls are dropped and directives applied instead of being stored.
 */
function newValue(value: unknown, schema: TSchema | undefined): Patched {
  if (isJsonMap(value)) return value[patchDirective] === 'delete' ? absent : mergeMap({}, value, schema);
  if (Array.isArray(value)) return mergeListField([], value, listPatchMeta(schema));
  return value;
}

/** `$retainKeys`: the live map keeps only the named fields, and the patch may set no others. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!has(patch, retainKeysDirective)) return;
  const keep = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(keep)) throw badPatch('invalid patch format of retainKeys');
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue;
    if (!keep.includes(key)) throw badPatch('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.includes(key)) delete original[key];
}

/**
 * `$setElementOrder/<field>`: merges the field's patch list (if any) and then orders the result. Precedence:
 * the order list, then the patch list, then the live list (for items only the server has).
 */
function applyElementOrders(original: JsonMap, patch: JsonMap, schema: TSchema | undefined): void {
  for (const key of Object.keys(patch)) {
    const field = directiveField(key, setElementOrderPrefix);
    if (field === undefined) continue;
    const order = patch[key];
    delete patch[key];
    const inOriginal = has(original, field);
    const inPatch = has(patch, field);
    const liveList = inOriginal ? original[field] : [];
    const patchList = inPatch ? patch[field] : [];
    if (!Array.isArray(order)) throw badPatch(`invalid patch format of setElementOrder list: ${key} must be a list`);
    if (!Array.isArray(liveList) || !Array.isArray(patchList)) throw badPatch(`${key} names ${field}, which is not a list`);
    if (!inOriginal && !inPatch) continue;
    const meta = listPatchMeta(fieldSchema(schema, field));
    const keyed = meta.mergeKey !== undefined && [...order, ...patchList, ...liveList].some(isJsonMap);
    if (keyed) requireMergeKeys([...order, ...patchList.filter((i) => !hasPatchDirective(i))], meta.mergeKey!);
    const id = keyed ? byMergeKey(meta.mergeKey!) : byValue;
    checkPatchFollowsOrder(patchList, order, id);
    const merged = inPatch ? mergeListField(liveList, patchList, meta) : liveList;
    delete patch[field];
    const orderable = keyed || !merged.some((item) => isJsonMap(item) || Array.isArray(item));
    original[field] = orderable ? orderMergedList(merged, order, liveList, id) : merged;
  }
}

function requireMergeKeys(items: unknown[], mergeKey: string): void {
  for (const item of items) if (!isJsonMap(item) || !has(item, mergeKey)) throw noMergeKey(item, mergeKey);
}

/** `$deleteFromPrimitiveList/<field>`: removes the given values from a live primitive list, whatever its strategy. */
function deleteFromPrimitiveList(original: JsonMap, field: string, values: unknown): void {
  if (!Array.isArray(values)) throw badPatch('invalid patch format of primitive list');
  const live = original[field];
  if (!Array.isArray(live) || (live.length === 0 && values.length === 0)) return;
  if (sharedElementKind(live, values) === 'map') throw badPatch('invalid patch format of primitive list');
  original[field] = live.filter((item) => !values.some((v) => jsonEqual(v, item)));
}

function mergeListField(live: unknown[], patch: unknown[], meta: ListPatchMeta): unknown[] {
  if (meta.strategy !== 'merge') return replacementList(patch, meta);
  if (live.length === 0 && patch.length === 0) return live;
  if (sharedElementKind(live, patch) !== 'map') return mergePrimitiveList(live, patch);
  // A schema that merges maps without naming a key cannot tell items apart; replace, as for unstructured kinds.
  if (!meta.mergeKey) return replacementList(patch, meta);
  return mergeKeyedList(live, patch, meta.mergeKey, meta.items);
}

/** A list taken from the patch as a whole; list-level `$patch` markers are dropped, as Kubernetes does for new lists. */
function replacementList(patch: unknown[], meta: ListPatchMeta): unknown[] {
  const out: unknown[] = [];
  for (const item of patch) {
    if (hasPatchDirective(item)) continue;
    out.push(isJsonMap(item) || Array.isArray(item) ? newValue(item, meta.items) : item);
  }
  return out;
}

/** The one element kind both lists share; lists of lists and mixed lists cannot be merged. */
function sharedElementKind(live: unknown[], patch: unknown[]): ElementKind {
  let kind: ElementKind | undefined;
  for (const item of [...live, ...patch]) {
    const k = elementKind(item);
    if (k === 'list') throw unprocessablePatch('lists of lists are not supported');
    if (kind !== undefined && k !== kind) throw badPatch(`list element types are not identical: ${showJSON(live)} ${showJSON(patch)}`);
    kind = k;
  }
  return kind!;
}

/** A set union that keeps live items in place and orders the patch's items as the patch does. */
function mergePrimitiveList(live: unknown[], patch: unknown[]): unknown[] {
  const union: unknown[] = [];
  for (const item of [...live, ...patch]) if (!union.some((u) => jsonEqual(u, item))) union.push(item);
  return orderMergedList(union, patch, live, byValue);
}

/**
 * Merges a list of maps by `mergeKey`: list-level directives first (`{"<key>": v, "$patch": "delete"}` removes
 * that item, `{"$patch": "replace"}` makes the patch's items the whole list), then each patch item is merged
 * into the live item with the same key, or added.
 */
function mergeKeyedList(live: unknown[], patch: unknown[], mergeKey: string, itemSchema: TSchema | undefined): unknown[] {
  let base = live;
  let replace = false;
  const items: JsonMap[] = [];
  for (const item of patch as JsonMap[]) {
    if (!has(item, patchDirective)) {
      items.push(item);
      continue;
    }
    switch (item[patchDirective]) {
      case 'delete':
        if (!has(item, mergeKey)) throw noMergeKey(item, mergeKey);
        base = base.filter((l) => !(isJsonMap(l) && has(l, mergeKey) && jsonEqual(l[mergeKey], item[mergeKey])));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw badPatch('merging lists cannot yet be specified in the patch');
      default:
        throw badPatch(`unknown patch type: ${String(item[patchDirective])} in map: ${showJSON(item)}`);
    }
  }
  if (replace) base = [];
  const merged = [...base];
  for (const item of items) {
    if (!has(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const at = merged.findIndex((l) => isJsonMap(l) && has(l, mergeKey) && jsonEqual(l[mergeKey], item[mergeKey]));
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonMap, item, itemSchema);
    else merged.push(mergeMap({}, item, itemSchema));
  }
  return orderMergedList(merged, items, base, byMergeKey(mergeKey));
}
