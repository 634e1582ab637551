import { hasPatchDirective } from './directives';
import { isJsonMap, jsonEqual } from './json-value';
import { badPatch, showJSON } from './patch-errors';

/**
 * Where the items of a merged list end up (design proposal "preserve order in strategic merge patch"): the
 * items the patch names keep the patch's (or `$setElementOrder`'s) relative order, the items only the server
 * has keep their live relative order, and the two runs are interleaved using the live list as the guide.
 */

/** What identifies a list item: its merge key's value for maps, the value itself for primitives. */
export type ItemIdentity = (item: unknown) => unknown;

export const byValue: ItemIdentity = (item) => item;
export const byMergeKey =
  (key: string): ItemIdentity =>
  (item) =>
    isJsonMap(item) && Object.prototype.hasOwnProperty.call(item, key) ? item[key] : undefined;

/** Position of `item` in `list` by identity; -1 when absent or when the item has no identity. */
export function indexByIdentity(list: readonly unknown[], item: unknown, id: ItemIdentity): number {
  const wanted = id(item);
  if (wanted === undefined) return -1;
  return list.findIndex((candidate) => jsonEqual(id(candidate), wanted));
}

/** Splits `items` into those whose identity occurs in `by` and those that do not, keeping their order. */
export function partitionByPresence(items: readonly unknown[], by: readonly unknown[], id: ItemIdentity): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const missing: unknown[] = [];
  for (const item of items) (indexByIdentity(by, item, id) >= 0 ? present : missing).push(item);
  return [present, missing];
}

/** Stable sort of `items` by their position in `order`; items `order` does not name stay behind, in their order. */
function sortByOrder(items: readonly unknown[], order: readonly unknown[], id: ItemIdentity): unknown[] {
  const ranked = items.map((item, i) => ({ item, i, at: indexByIdentity(order, item, id) }));
  ranked.sort((a, b) => {
    if (a.at >= 0 && b.at >= 0 && a.at !== b.at) return a.at - b.at;
    if ((a.at < 0) !== (b.at < 0)) return a.at < 0 ? 1 : -1;
    return a.i - b.i;
  });
  return ranked.map((r) => r.item);
}

/**
 * Merges the server-only run into the patch run. A server-only item goes before the next patch item only when
 * both are in the live list and it came first there; so items new to the list come before the server-only
 * items that follow them (a plain patch that adds an item puts it at the front, as Kubernetes does).
 */
function interleave(serverOnly: readonly unknown[], patchItems: readonly unknown[], liveOrder: readonly unknown[], id: ItemIdentity): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const left = indexByIdentity(liveOrder, serverOnly[i], id);
      const right = indexByIdentity(liveOrder, patchItems[j], id);
      out.push(left >= 0 && right >= 0 && left < right ? serverOnly[i++] : patchItems[j++]);
    }
  }
  return out;
}

/**
 * The final order of `merged`: items named in `patchOrder` (the patch list, or `$setElementOrder`) follow it,
 * the others keep the order of `liveOrder` (the list before the patch), interleaved as described above.
 */
export function orderMergedList(merged: readonly unknown[], patchOrder: readonly unknown[], liveOrder: readonly unknown[], id: ItemIdentity): unknown[] {
  const [named, serverOnly] = partitionByPresence(merged, patchOrder, id);
  return interleave(sortByOrder(serverOnly, liveOrder, id), sortByOrder(named, patchOrder, id), liveOrder, id);
}

/**
 * Checks that the patch list does not contradict `$setElementOrder`: every item the patch list merges must be
 * named by the order list, in the same relative order (items carrying `$patch` directives are exempt).
 */
export function checkPatchFollowsOrder(patchList: readonly unknown[], order: readonly unknown[], id: ItemIdentity): void {
  const items = patchList.filter((item) => !hasPatchDirective(item));
  let p = 0;
  for (let o = 0; o < order.length && p < items.length; o++) {
    const wanted = id(items[p]);
    if (wanted !== undefined && jsonEqual(wanted, id(order[o]))) p++;
  }
  if (p < items.length) {
    throw badPatch(`The order in patch list:\n${showJSON(patchList)}\n doesn't match $setElementOrder list:\n${showJSON(order)}\n`);
  }
}
