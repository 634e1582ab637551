/** The shapes a decoded JSON value takes, as strategic merge patch tells them apart. */
export type JsonMap = Record<string, unknown>;

export function isJsonMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (merge-key values, set members). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isJsonMap(a) && isJsonMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** What kind of element a list holds; a strategic list must hold one kind only. */
export type ElementKind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';

export function elementKind(v: unknown): ElementKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v as 'string' | 'number' | 'boolean';
}
