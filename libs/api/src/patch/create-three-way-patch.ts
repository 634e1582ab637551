import type { TSchema } from '@sinclair/typebox';
import { deleteFromPrimitiveListPrefix, patchDirective, setElementOrderPrefix } from './directives';
import { isJsonMap, jsonEqual, type JsonMap } from './json-value';
import { fieldSchema, listPatchMeta, mapIsReplaced, type ListPatchMeta } from './patch-meta';

/**
 * The client side of `kubectl apply`: a strategic merge patch that takes the live object to the user's new
 * configuration while keeping fields other writers set. Three inputs, as in kubectl:
 * - `original`: the configuration applied last time (the last-applied annotation), or undefined;
 * - `modified`: the configuration being applied now;
 * - `current`: the live object.
 * Fields in `modified` that differ from `current` are set; fields in `original` that `modified` dropped are
 * deleted (null, `$patch: delete` list items, `$deleteFromPrimitiveList`); fields only `current` has are left
 * alone. Merged lists carry `$setElementOrder` so the server keeps the configuration's order.
 * Returns `{}` when nothing needs to change.
 */
export function createThreeWayPatch(original: unknown, modified: unknown, current: unknown, schema: TSchema): JsonMap {
  return diffMap(asMap(original), asMap(modified), asMap(current), schema);
}

function asMap(v: unknown): JsonMap {
  return isJsonMap(v) ? v : {};
}

const has = (m: JsonMap, key: string) => Object.prototype.hasOwnProperty.call(m, key);

function diffMap(original: JsonMap, modified: JsonMap, current: JsonMap, schema: TSchema | undefined): JsonMap {
  const patch: JsonMap = {};
  for (const [key, want] of Object.entries(modified)) {
    const sub = fieldSchema(schema, key);
    const live = current[key];
    if (!has(current, key) || want === null) {
      if (want !== null || has(current, key)) patch[key] = want;
      continue;
    }
    if (isJsonMap(want) && isJsonMap(live) && !mapIsReplaced(sub)) {
      const nested = diffMap(asMap(original[key]), want, live, sub);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (Array.isArray(want) && Array.isArray(live)) {
      diffList(patch, key, Array.isArray(original[key]) ? (original[key] as unknown[]) : [], want, live, listPatchMeta(sub));
    } else if (!jsonEqual(want, live)) {
      patch[key] = want;
    }
  }
  // A field the last configuration set and this one drops is the user's to delete.
  for (const key of Object.keys(original)) {
    if (!has(modified, key) && has(current, key)) patch[key] = null;
  }
  return patch;
}

type Identity = (item: unknown) => unknown;

function diffList(patch: JsonMap, key: string, original: unknown[], modified: unknown[], current: unknown[], meta: ListPatchMeta): void {
  const allMaps = (l: unknown[]) => l.every(isJsonMap);
  const allPrimitives = (l: unknown[]) => l.every((v) => v === null || typeof v !== 'object');
  const lists = [original, modified, current];
  if (meta.strategy === 'merge' && meta.mergeKey && lists.every(allMaps)) {
    diffMapList(patch, key, original as JsonMap[], modified as JsonMap[], current as JsonMap[], meta);
  } else if (meta.strategy === 'merge' && !meta.mergeKey && lists.every(allPrimitives)) {
    diffPrimitiveSet(patch, key, original, modified, current);
  } else if (!jsonEqual(modified, current)) {
    patch[key] = modified;
  }
}

function findBy(list: unknown[], item: unknown, id: Identity): unknown {
  const wanted = id(item);
  return list.find((candidate) => jsonEqual(id(candidate), wanted));
}

/** Lists of maps merged on a key (containers by name, ports by containerPort). */
function diffMapList(patch: JsonMap, key: string, original: JsonMap[], modified: JsonMap[], current: JsonMap[], meta: ListPatchMeta): void {
  const mergeKey = meta.mergeKey!;
  const id: Identity = (item) => (isJsonMap(item) ? item[mergeKey] : undefined);
  const items: JsonMap[] = [];
  for (const want of modified) {
    const live = findBy(current, want, id) as JsonMap | undefined;
    if (!live) {
      items.push(want);
      continue;
    }
    const nested = diffMap(asMap(findBy(original, want, id)), want, live, meta.items);
    if (Object.keys(nested).length > 0) items.push({ [mergeKey]: want[mergeKey], ...nested });
  }
  for (const dropped of original) {
    if (!findBy(modified, dropped, id) && findBy(current, dropped, id)) items.push({ [mergeKey]: dropped[mergeKey], [patchDirective]: 'delete' });
  }
  if (items.length === 0) return;
  patch[key] = items;
  patch[`${setElementOrderPrefix}/${key}`] = modified.map((item) => ({ [mergeKey]: item[mergeKey] }));
}

/** Lists of primitives merged as a set (finalizers): additions in the list, removals as a directive. */
function diffPrimitiveSet(patch: JsonMap, key: string, original: unknown[], modified: unknown[], current: unknown[]): void {
  const includes = (list: unknown[], v: unknown) => list.some((x) => jsonEqual(x, v));
  const added = modified.filter((v) => !includes(current, v));
  const removed = original.filter((v) => !includes(modified, v) && includes(current, v));
  if (added.length > 0) {
    patch[key] = added;
    patch[`${setElementOrderPrefix}/${key}`] = modified;
  }
  if (removed.length > 0) patch[`${deleteFromPrimitiveListPrefix}/${key}`] = removed;
}
