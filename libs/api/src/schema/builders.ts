import {
  FormatRegistry,
  Type,
  type ArrayOptions,
  type ObjectOptions,
  type SchemaOptions,
  type Static,
  type TProperties,
  type TSchema,
  type TUnsafe,
} from '@sinclair/typebox';

/**
 * The vocabulary every kind's schema is written in. Each builder returns a plain TypeBox schema, so the
 * TypeScript type (Static), validation, unknown-field pruning, merge keys and OpenAPI all come from it.
 */

// RFC 3339 timestamps; Kubernetes accepts any fraction length on input.
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => rfc3339.test(v));

/** A struct: known properties only. Unknown fields are pruned or rejected by decoding, never stored. */
export function Struct<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const Opt = Type.Optional;
export const Str = (options: SchemaOptions = {}) => Type.String(options);
export const Int = (options: SchemaOptions = {}) => Type.Integer(options);
/** int64 fields; JSON numbers in JavaScript are exact up to 2^53, enough for every field we keep. */
export const Int64 = (options: SchemaOptions = {}) => Type.Integer({ format: 'int64', ...options });
export const Num = (options: SchemaOptions = {}) => Type.Number(options);
export const Bool = (options: SchemaOptions = {}) => Type.Boolean(options);
export const StrEnum = <T extends string[]>(values: [...T], options: SchemaOptions = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { 'x-kubernetes-enum': values, ...options },
  ) as unknown as TUnsafe<T[number]>;

/** metav1.Time: seconds precision on output. */
export const Time = (options: SchemaOptions = {}) => Type.String({ format: 'date-time', ...options });
/** metav1.MicroTime: exactly six fractional digits on output. */
export const MicroTime = (options: SchemaOptions = {}) =>
  Type.String({ format: 'date-time', 'x-kubernetes-micro-time': true, ...options });

/** intstr.IntOrString. */
export const IntOrString = (options: SchemaOptions = {}) =>
  Type.Union([Type.Integer(), Type.String()], { 'x-kubernetes-int-or-string': true, ...options });

/** resource.Quantity: a string such as "100m" or "1Gi"; JSON numbers are accepted and kept as given. */
export const Quantity = (options: SchemaOptions = {}) =>
  Type.Union([Type.String(), Type.Number()], { 'x-kubernetes-quantity': true, ...options });

export const StringMap = (options: SchemaOptions = {}) => Type.Record(Type.String(), Type.String(), options);
export const MapOf = <T extends TSchema>(value: T, options: SchemaOptions = {}) =>
  Type.Record(Type.String(), value, options);

/** A list merged by key in strategic merge patch (containers by name, ports by containerPort, ...). */
export function ListMap<T extends TSchema>(item: T, key: string, options: ArrayOptions = {}) {
  return Type.Array(item, {
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [key],
    ...options,
  });
}

/** A list of primitives merged as a set in strategic merge patch (finalizers, podCIDRs). */
export function ListSet<T extends TSchema>(item: T, options: ArrayOptions = {}) {
  return Type.Array(item, { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set', ...options });
}

/** A list replaced as a whole by strategic merge patch. */
export const List = <T extends TSchema>(item: T, options: ArrayOptions = {}) => Type.Array(item, options);

/** Free-form JSON kept as given (ControllerRevision.data, managedFields fieldsV1, ...). */
export const RawJSON = (options: SchemaOptions = {}) =>
  Type.Unknown({ 'x-kubernetes-preserve-unknown-fields': true, ...options });

/** Marks a struct whose lists use the retainKeys strategy (Deployment.spec.strategy, volumes[]). */
export const RetainKeys = { 'x-kubernetes-patch-strategy': 'retainKeys' } as const;

export type { Static, TSchema };
