/**
 * Field errors as Kubernetes reports them: a field path such as `spec.containers[0].image`, a type, and
 * the offending value. They become the `details.causes` of a 422 Invalid Status.
 */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

/** Builds field paths the way Kubernetes prints them. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(...names: string[]): FieldPath {
    return new FieldPath(names.join('.'));
  }
  child(...names: string[]): FieldPath {
    return new FieldPath([this.text, ...names].filter((s) => s !== '').join('.'));
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

type P = FieldPath | string;
const s = (p: P) => String(p);

export const required = (p: P, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: s(p), detail });
export const invalid = (p: P, value: unknown, detail = ''): FieldError => ({ type: 'FieldValueInvalid', field: s(p), value, detail });
export const duplicate = (p: P, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: s(p), value });
export const forbidden = (p: P, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: s(p), detail });
export const notSupported = (p: P, value: unknown, valid: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field: s(p),
  value,
  detail: `supported values: ${valid.map((v) => `"${v}"`).join(', ')}`,
});
export const tooLong = (p: P, value: unknown, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field: s(p),
  value,
  detail: `must have at most ${max} bytes`,
});
export const notFound = (p: P, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: s(p), value });
export const typeInvalid = (p: P, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field: s(p), value, detail });

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The one-line text of an error, as in `spec.containers[0].image: Required value`. */
export function formatFieldError(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `${e.field}: Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueDuplicate':
      return `${e.field}: Duplicate value: ${renderValue(e.value)}`;
    case 'FieldValueNotSupported':
      return `${e.field}: Unsupported value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTooLong':
      return `${e.field}: Too long: ${e.detail ?? ''}`;
    case 'FieldValueNotFound':
      return `${e.field}: Not found: ${renderValue(e.value)}`;
    case 'FieldValueTypeInvalid':
      return `${e.field}: Invalid value: ${renderValue(e.value)}: ${e.detail ?? ''}`;
    default:
      return `${e.field}: Invalid value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}
