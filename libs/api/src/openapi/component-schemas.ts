import type { TSchema } from '@sinclair/typebox';
import { builtinDescriptions, kindFieldDescriptions, listFieldDescriptions, type DescriptionTable } from './descriptions';
import { isStruct, metaV1Package, packageOf, StructNames } from './schema-names';
import type { GroupVersionKindRef, OpenAPISchema } from './types';

export const refPrefix = '#/components/schemas/';
export const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const timeName = `${metaV1Package}.Time`;
export const microTimeName = `${metaV1Package}.MicroTime`;
export const patchName = `${metaV1Package}.Patch`;

/** Scalar types Kubernetes names and every client knows (explain prints them as `<Quantity>`, `<Time>`, ...). */
const namedScalars: Record<string, OpenAPISchema> = {
  [intOrStringName]: {
    description: 'IntOrString holds either an int32 or a string, such as a port number or name, or a count or percentage.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  },
  [quantityName]: {
    description:
      'Quantity is a fixed-point number with a suffix: binary (Ki, Mi, Gi, ...), decimal SI (m, k, M, G, ...) or a decimal exponent (1e3). Examples: "100m", "1.5Gi", "2".',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [timeName]: { description: 'Time in RFC 3339 form with seconds precision, such as "2024-05-01T10:00:00Z".', type: 'string', format: 'date-time' },
  [microTimeName]: {
    description: 'MicroTime is a time with microsecond precision: RFC 3339 with exactly six fractional digits.',
    type: 'string',
    format: 'date-time',
  },
  [patchName]: { description: 'The body of a PATCH request, in the format its Content-Type names.', type: 'object' },
};

/** Keywords copied as they are from a TypeBox schema into OpenAPI. */
const copiedKeywords = ['default', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties'];
/** Extensions upstream clients read; the builders' other markers (enum, quantity, micro-time) become types instead. */
const copiedExtensions = [
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
];

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/**
 * Turns TypeBox schemas into OpenAPI component schemas: every struct becomes a named component (by its export
 * name, or its parent's name plus the field name), referenced with $ref; the named scalars likewise. Each
 * component remembers the components it refers to, so a document can carry exactly what it needs.
 */
export class ComponentSchemas {
  private readonly schemas = new Map<string, OpenAPISchema>();
  private readonly dependencies = new Map<string, Set<string>>();
  private readonly gvks = new Map<string, GroupVersionKindRef[]>();

  constructor(
    private readonly names = new StructNames(),
    private readonly descriptions: DescriptionTable = builtinDescriptions,
  ) {
    for (const [name, schema] of Object.entries(namedScalars)) {
      this.schemas.set(name, schema);
      this.dependencies.set(name, new Set());
    }
  }

  /** Adds a kind (a resource, or a subresource's body such as Scale) and returns its component name. */
  addKind(gvk: GroupVersionKindRef, schema: TSchema): string {
    const name = this.names.claim(`${packageOf(gvk.group, gvk.version)}.${gvk.kind}`, schema);
    this.markKind(name, gvk);
    this.ensureStruct(schema, name, true);
    return name;
  }

  /** Adds the `<Kind>List` wrapper of a kind and returns its component name. */
  addList(gvk: GroupVersionKindRef, itemName: string): string {
    const name = `${packageOf(gvk.group, gvk.version)}.${gvk.kind}`;
    if (!this.schemas.has(name)) {
      const listMeta = this.structRef(this.names.schemaNamed(`${metaV1Package}.ListMeta`)!, name, 'metadata', new Set());
      this.schemas.set(name, {
        description: `${gvk.kind} is a list of ${itemName.slice(itemName.lastIndexOf('.') + 1)} objects.`,
        type: 'object',
        required: ['items'],
        properties: {
          apiVersion: { description: kindFieldDescriptions.apiVersion, type: 'string' },
          items: { description: listFieldDescriptions.items, type: 'array', items: { $ref: refPrefix + itemName } },
          kind: { description: kindFieldDescriptions.kind, type: 'string' },
          metadata: { allOf: [listMeta], description: listFieldDescriptions.metadata },
        },
      });
      this.dependencies.set(name, new Set([itemName, `${metaV1Package}.ListMeta`]));
    }
    this.markKind(name, gvk);
    return name;
  }

  /** The component name of an exported struct such as Status or DeleteOptions, adding it if needed. */
  addNamed(name: string): string {
    const schema = this.names.schemaNamed(name);
    if (!schema) {
      if (!this.schemas.has(name)) throw new Error(`no schema is named ${name}`);
      return name;
    }
    return this.ensureStruct(schema, name, false);
  }

  schemaNamed(name: string): TSchema | undefined {
    return this.names.schemaNamed(name);
  }

  /** `roots` and everything they refer to, by name in sorted order. */
  closure(roots: Iterable<string>): Record<string, OpenAPISchema> {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const dep of this.dependencies.get(name) ?? []) stack.push(dep);
    }
    const out: Record<string, OpenAPISchema> = {};
    for (const name of [...seen].sort()) {
      const schema = this.schemas.get(name);
      if (!schema) throw new Error(`component ${name} was referred to but never built`);
      const gvks = this.gvks.get(name);
      out[name] = gvks ? { ...schema, 'x-kubernetes-group-version-kind': gvks } : schema;
    }
    return out;
  }

  private markKind(name: string, gvk: GroupVersionKindRef): void {
    const list = this.gvks.get(name) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push({ ...gvk });
    this.gvks.set(name, list);
  }

  /** Builds the component for a struct once; the placeholder set first ends any self-reference. */
  private ensureStruct(schema: TSchema, preferredName: string, isKind: boolean): string {
    const name = this.names.claim(preferredName, schema);
    if (this.schemas.has(name)) return name;
    const out: OpenAPISchema = { type: 'object' };
    this.schemas.set(name, out);
    const deps = new Set<string>();
    this.dependencies.set(name, deps);
    const table = this.descriptions[name] ?? {};
    const description = schema.description ?? table[''];
    if (description) out.description = description;
    const properties: Record<string, OpenAPISchema> = {};
    for (const [prop, child] of Object.entries(schema.properties as Record<string, TSchema>)) {
      const converted = this.convert(child, name, prop, deps);
      const fieldDescription = child.description ?? table[prop] ?? (isKind ? kindFieldDescriptions[prop] : undefined);
      properties[prop] = fieldDescription ? withDescription(converted, fieldDescription) : converted;
    }
    // Kinds list metadata as required because stored objects always have it; requests may leave it out.
    const required = ((schema.required as string[] | undefined) ?? []).filter((r) => !(isKind && r === 'metadata'));
    if (required.length) out.required = required;
    out.properties = properties;
    copyKnown(schema, out, false);
    return name;
  }

  /** A $ref to a struct's component; struct-level patch strategies (retainKeys) move to the referring field. */
  private structRef(schema: TSchema, owner: string, prop: string, deps: Set<string>): OpenAPISchema {
    const name = this.ensureStruct(schema, this.names.nameOf(schema) ?? `${owner}${capitalize(prop)}`, false);
    deps.add(name);
    return { $ref: refPrefix + name };
  }

  private namedRef(name: string, deps: Set<string>): OpenAPISchema {
    deps.add(name);
    return { $ref: refPrefix + name };
  }

  private convert(schema: TSchema, owner: string, prop: string, deps: Set<string>): OpenAPISchema {
    if (isStruct(schema)) {
      const ref = this.structRef(schema, owner, prop, deps);
      const strategy = schema['x-kubernetes-patch-strategy'];
      return strategy ? { allOf: [ref], 'x-kubernetes-patch-strategy': strategy } : ref;
    }
    if (schema['x-kubernetes-int-or-string']) return this.namedRef(intOrStringName, deps);
    if (schema['x-kubernetes-quantity']) return this.namedRef(quantityName, deps);
    if (schema.type === 'string' && schema.format === 'date-time') {
      return this.namedRef(schema['x-kubernetes-micro-time'] ? microTimeName : timeName, deps);
    }
    const out: OpenAPISchema = {};
    if (Array.isArray(schema['x-kubernetes-enum'])) {
      out.type = 'string';
      out.enum = [...(schema['x-kubernetes-enum'] as string[])];
    } else if (schema.anyOf) {
      out.anyOf = (schema.anyOf as TSchema[]).map((s) => this.convert(s, owner, prop, deps));
    } else if (schema.type === 'array') {
      out.type = 'array';
      // Items are plain references: merge keys and strategies live on the list itself.
      const items = schema.items as TSchema;
      out.items = isStruct(items) ? this.structRef(items, owner, prop, deps) : this.convert(items, owner, prop, deps);
    } else if (schema.type === 'object') {
      out.type = 'object';
      const values = schema.patternProperties ? Object.values(schema.patternProperties as Record<string, TSchema>)[0] : schema.additionalProperties;
      if (typeof values === 'object') out.additionalProperties = this.convert(values as TSchema, owner, prop, deps);
      else if (values === true) out['x-kubernetes-preserve-unknown-fields'] = true;
    } else if (schema.type === 'integer') {
      out.type = 'integer';
      out.format = schema.format === 'int64' ? 'int64' : 'int32';
    } else if (schema.type === 'number') {
      out.type = 'number';
      out.format = 'double';
    } else if (schema.type === 'string' || schema.type === 'boolean') {
      out.type = schema.type;
      if (schema.format) out.format = schema.format;
      if (schema.const !== undefined) out.enum = [schema.const];
    } else {
      // Free-form JSON (RawJSON): any object, kept as given.
      out.type = 'object';
      out['x-kubernetes-preserve-unknown-fields'] = true;
    }
    copyKnown(schema, out, true);
    return out;
  }
}

function copyKnown(from: TSchema, to: OpenAPISchema, withExtensions: boolean): void {
  for (const k of copiedKeywords) if (from[k] !== undefined) to[k] = from[k];
  if (!withExtensions) return;
  for (const k of copiedExtensions) if (from[k] !== undefined) to[k] = Array.isArray(from[k]) ? [...from[k]] : from[k];
}

/** A $ref cannot carry siblings in OpenAPI 3.0, so a described reference is wrapped in allOf, as upstream does. */
function withDescription(schema: OpenAPISchema, description: string): OpenAPISchema {
  if (schema.$ref) return { allOf: [{ $ref: schema.$ref }], description };
  return { ...schema, description };
}
