import { invalid, type FieldError, type FieldPath } from '../../validation/field-errors';

/** Structural equality of JSON values; key order does not matter, as Kubernetes compares decoded structs. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    if (!jsonEqual(ao[k], bo[k])) return false;
  }
  return true;
}

export function validateImmutableField(value: unknown, old: unknown, path: FieldPath): FieldError[] {
  return jsonEqual(value, old) ? [] : [invalid(path, value, 'field is immutable')];
}
