const memo = new WeakMap<object, string>();

/**
 * JSON text of an object, computed once: the same written object is sent in the response and fanned out by
 * the watch cache. Only for objects that are no longer mutated (stored results).
 */
export function serialized(obj: object): string {
  let s = memo.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    memo.set(obj, s);
  }
  return s;
}
