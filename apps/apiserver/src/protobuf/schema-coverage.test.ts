import { apiVersionOf, builtinResources, DeleteOptionsSchema, EvictionSchema, ScaleSchema, TokenRequestSchema, type TSchema } from '@skiff/api';
import * as protobuf from 'protobufjs';
import { messageTypeFor } from './proto-root';

/**
 * protobufjs skips fields a .proto does not declare, so a field missing from proto/k8s would vanish from
 * protobuf bodies without a word. This walks every kind's schema beside its message: every field a user can set
 * must have a protobuf field of a matching shape.
 */

const kindOf = (s: TSchema): string => (s as unknown as Record<symbol, string>)[Symbol.for('TypeBox.Kind')];
const special = (name: string) => `.k8s.io.apimachinery.pkg.${name}`;

function leafProblem(schema: TSchema, field: protobuf.Field): string | undefined {
  const s = schema as Record<string, unknown>;
  const message = field.resolvedType instanceof protobuf.Type ? field.resolvedType.fullName : undefined;
  const expect = (ok: boolean, what: string) => (ok ? undefined : `schema ${what} but proto ${message ?? field.type}`);
  if (s['x-kubernetes-int-or-string']) return expect(message === special('util.intstr.IntOrString'), 'IntOrString');
  if (s['x-kubernetes-quantity']) return expect(message === special('api.resource.Quantity'), 'Quantity');
  if (s['x-kubernetes-micro-time']) return expect(message === special('apis.meta.v1.MicroTime'), 'MicroTime');
  if (s.format === 'date-time') return expect(message === special('apis.meta.v1.Time'), 'Time');
  if (s['x-kubernetes-preserve-unknown-fields']) return expect(message !== undefined, 'raw JSON');
  switch (kindOf(schema)) {
    case 'String':
      return expect(field.type === 'string' || (field.type === 'bytes' && s.contentEncoding === 'base64'), 'string');
    case 'Union':
      return expect(field.type === 'string' && Array.isArray(s['x-kubernetes-enum']), 'enum');
    case 'Integer':
      return expect(['int32', 'int64'].includes(field.type), 'integer');
    case 'Boolean':
      return expect(field.type === 'bool', 'boolean');
    case 'Object':
      return expect(message !== undefined, 'object');
    case 'Array':
      // A list as a map value travels wrapped in an ExtraValue message (SubjectAccessReview's extra).
      return expect(message?.endsWith('.ExtraValue') === true, 'list of strings');
    default:
      return `schema ${kindOf(schema)} is not handled`;
  }
}

/** A JSON property of a message: its own field, or one of a Go-embedded (inlined) struct's. */
function jsonField(type: protobuf.Type, name: string): protobuf.Field | undefined {
  for (const field of type.fieldsArray) {
    if (field.getOption('(skiff.json_inline)') && field.resolvedType instanceof protobuf.Type) {
      const inner = jsonField(field.resolvedType, name);
      if (inner) return inner;
    } else if (field.name === name) return field;
  }
  return undefined;
}

function coverageProblems(schema: TSchema, type: protobuf.Type, path: string): string[] {
  const problems: string[] = [];
  const properties = (schema as unknown as { properties: Record<string, TSchema> }).properties;
  for (const [name, sub] of Object.entries(properties)) {
    const here = `${path}.${name}`;
    const field = jsonField(type, name);
    if (!field) {
      // TypeMeta travels in the envelope, never inside a message.
      if (name !== 'apiVersion' && name !== 'kind') problems.push(`${here}: no field in ${type.fullName}`);
      continue;
    }
    let value = sub;
    if (field.map) {
      if (kindOf(sub) !== 'Record') problems.push(`${here}: proto map, schema ${kindOf(sub)}`);
      value = Object.values((sub as unknown as { patternProperties: Record<string, TSchema> }).patternProperties ?? {})[0] ?? sub;
    } else if (field.repeated) {
      if (kindOf(sub) !== 'Array') problems.push(`${here}: proto repeated, schema ${kindOf(sub)}`);
      value = (sub as { items?: TSchema }).items ?? sub;
    }
    const problem = leafProblem(value, field);
    if (problem) problems.push(`${here}: ${problem}`);
    else if (kindOf(value) === 'Object' && field.resolvedType instanceof protobuf.Type && !('x-kubernetes-preserve-unknown-fields' in value)) {
      problems.push(...coverageProblems(value, field.resolvedType, here));
    }
  }
  return problems;
}

const bodies: [string, string, TSchema][] = [
  ...builtinResources.map((r): [string, string, TSchema] => [apiVersionOf(r), r.kind, r.schema]),
  ['policy/v1', 'Eviction', EvictionSchema],
  ['autoscaling/v1', 'Scale', ScaleSchema],
  ['authentication.k8s.io/v1', 'TokenRequest', TokenRequestSchema],
  ['v1', 'DeleteOptions', DeleteOptionsSchema],
];

describe('proto/k8s covers every schema', () => {
  it.each(bodies)('%s %s: every field has a protobuf field of the same shape', (apiVersion, kind, schema) => {
    const type = messageTypeFor(apiVersion, kind);
    expect(type).toBeDefined();
    expect(coverageProblems(schema, type!, kind)).toEqual([]);
  });

  it('notices a field the .proto lacks', () => {
    const type = messageTypeFor('v1', 'ConfigMap')!;
    const schema = { [Symbol.for('TypeBox.Kind')]: 'Object', properties: { extra: { [Symbol.for('TypeBox.Kind')]: 'String', type: 'string' } } };
    expect(coverageProblems(schema as unknown as TSchema, type, 'ConfigMap')).toEqual(['ConfigMap.extra: no field in .k8s.io.api.core.v1.ConfigMap']);
  });
});
