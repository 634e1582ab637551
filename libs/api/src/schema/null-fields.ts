import type { TSchema } from '@sinclair/typebox';

/**
 * Removes struct fields whose value is JSON null. Kubernetes decodes into Go structs, where a null leaves a
 * field at its zero value, so clients send `"creationTimestamp": null` freely (kubectl's rollout undo and run do);
 * free-form JSON (preserve-unknown-fields) keeps its nulls.
 */
export function dropNullFields(schema: TSchema, value: unknown): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (schema.type === 'array' && schema.items) for (const item of value) dropNullFields(schema.items as TSchema, item);
    return;
  }
  if (schema.type !== 'object') return;
  const obj = value as Record<string, unknown>;
  const pattern = schema.patternProperties as Record<string, TSchema> | undefined;
  if (pattern) {
    const valueSchema = Object.values(pattern)[0];
    for (const k of Object.keys(obj)) dropNullFields(valueSchema, obj[k]);
    return;
  }
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  for (const k of Object.keys(obj)) {
    if (obj[k] === null && props[k] && props[k]['x-kubernetes-preserve-unknown-fields'] !== true) delete obj[k];
    else if (props[k]) dropNullFields(props[k], obj[k]);
  }
}
