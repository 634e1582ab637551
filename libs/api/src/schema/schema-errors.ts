import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/value';
import { invalid, notSupported, required, typeInvalid, type FieldError } from '../validation/field-errors';

/** Turns a JSON pointer (`/spec/containers/0/image`) into a Kubernetes field path (`spec.containers[0].image`). */
export function pointerToFieldPath(pointer: string, schema: TSchema): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  let cur: TSchema | undefined = schema;
  for (const p of parts) {
    if (cur?.type === 'array') {
      out += `[${p}]`;
      cur = cur.items as TSchema;
    } else if (cur?.patternProperties) {
      out += `[${p}]`;
      cur = Object.values(cur.patternProperties as Record<string, TSchema>)[0];
    } else {
      out += out ? `.${p}` : p;
      cur = (cur?.properties as Record<string, TSchema> | undefined)?.[p];
    }
  }
  return out;
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

function typeName(schema: TSchema): string {
  if (schema['x-kubernetes-int-or-string']) return 'int or string';
  if (schema.anyOf) return 'string or number';
  if (schema.type === 'integer') return 'integer';
  return String(schema.type ?? 'value');
}

/**
 * Structural validation of an object against its kind's schema: required fields, types, enums, formats.
 * Reports every problem with its field path; unknown fields are the decoder's business, not reported here.
 */
export function schemaErrors(schema: TSchema, value: unknown): FieldError[] {
  const c = checker(schema);
  if (c.Check(value)) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of c.Errors(value)) {
    if (e.type === ValueErrorType.ObjectAdditionalProperties) continue;
    const field = pointerToFieldPath(e.path, schema);
    if (seen.has(field)) continue;
    seen.add(field);
    if (e.type === ValueErrorType.ObjectRequiredProperty || (e.value === undefined && e.type !== ValueErrorType.Union)) {
      errs.push(required(field));
    } else if (e.schema['x-kubernetes-enum']) {
      errs.push(notSupported(field, e.value, e.schema['x-kubernetes-enum'] as string[]));
    } else if (e.type === ValueErrorType.StringFormat) {
      errs.push(invalid(field, e.value, `must be an RFC 3339 timestamp`));
    } else {
      errs.push(typeInvalid(field, e.value, `expected ${typeName(e.schema)}`));
    }
  }
  return errs;
}
