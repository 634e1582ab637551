import * as protobuf from 'protobufjs';
import {
  bytesToBase64,
  bytesToJSON,
  formatGoDuration,
  has,
  int64ToBigInt,
  int64ToNumber,
  intOrStringToJSON,
  timestampToJSON,
} from './wire-values';

type Decoded = Record<string, unknown>;

const metaV1 = '.k8s.io.apimachinery.pkg.apis.meta.v1';

/**
 * Messages whose JSON form is not an object of their fields. undefined means "what Go renders as null":
 * the field is left out.
 */
const specialMessages: Record<string, (message: Decoded, path: string) => unknown> = {
  [`${metaV1}.Time`]: (m, path) => timestampToJSON(m, 'seconds', path),
  [`${metaV1}.MicroTime`]: (m, path) => timestampToJSON(m, 'micros', path),
  [`${metaV1}.Duration`]: (m) => formatGoDuration(int64ToBigInt(m.duration ?? 0)),
  [`${metaV1}.FieldsV1`]: (m, path) => (has(m, 'Raw') ? bytesToJSON(m.Raw, 'managed fields set', path) : undefined),
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': (m, path) =>
    has(m, 'raw') && (m.raw as Uint8Array).length > 0 ? bytesToJSON(m.raw, 'embedded object', path) : undefined,
  // A Quantity with no string is Go's zero Quantity, which prints as "0".
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': (m) => (has(m, 'string') ? String(m.string) : '0'),
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': (m) => intOrStringToJSON(m),
  // Go's `type ExtraValue []string`: the user's extra attributes are lists in JSON.
  '.k8s.io.api.authentication.v1.ExtraValue': (m) => (m.items as string[] | undefined) ?? [],
  '.k8s.io.api.authorization.v1.ExtraValue': (m) => (m.items as string[] | undefined) ?? [],
  '.k8s.io.api.certificates.v1.ExtraValue': (m) => (m.items as string[] | undefined) ?? [],
};

function scalarToJSON(type: string, value: unknown): unknown {
  switch (type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return int64ToNumber(value);
    case 'bytes':
      return bytesToBase64(value);
    default:
      return value;
  }
}

function zeroOf(type: string): unknown {
  switch (type) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    default:
      return 0;
  }
}

function isZero(type: string, value: unknown): boolean {
  if (type === 'bytes') return (value as Uint8Array).length === 0;
  if (type.endsWith('64') && typeof value === 'object' && value !== null) return int64ToNumber(value) === 0;
  return value === zeroOf(type);
}

function valueToJSON(field: protobuf.Field, value: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (!(resolved instanceof protobuf.Type)) return scalarToJSON(field.type, value);
  const json = messageValueToJSON(resolved, value as Decoded, path);
  return json === undefined ? null : json;
}

function messageValueToJSON(type: protobuf.Type, message: Decoded, path: string): unknown {
  const special = specialMessages[type.fullName];
  return special ? special(message, path) : messageToJSON(type, message, path);
}

/**
 * A decoded message in the JSON form Kubernetes' Go types render it in: maps as objects, int64 as numbers,
 * bytes as base64, Time/Quantity/IntOrString/RawExtension in their JSON forms, embedded structs inlined, and
 * unset fields left out following the Go field (see proto/k8s/skiff-json-options.proto).
 */
export function messageToJSON(type: protobuf.Type, message: Decoded, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const name = field.name;
    const here = path ? `${path}.${name}` : name;
    const value = message[name];
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      if (entries.length) out[name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJSON(field, v, `${here}[${k}]`)]));
      continue;
    }
    if (field.repeated) {
      const items = (value ?? []) as unknown[];
      if (items.length) out[name] = items.map((v, i) => valueToJSON(field, v, `${here}[${i}]`));
      continue;
    }
    const present = has(message, name) && value !== null && value !== undefined;
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      if (!present) continue;
      if (field.getOption('(skiff.json_inline)')) {
        Object.assign(out, messageToJSON(resolved, value as Decoded, path));
        continue;
      }
      const json = messageValueToJSON(resolved, value as Decoded, here);
      if (json !== undefined) out[name] = json;
    } else if (field.getOption('(skiff.go_pointer)')) {
      if (present) out[name] = scalarToJSON(field.type, value);
    } else if (field.getOption('(skiff.json_omitempty)') === false) {
      out[name] = present ? scalarToJSON(field.type, value) : zeroOf(field.type);
    } else if (present && !isZero(field.type, value)) {
      out[name] = scalarToJSON(field.type, value);
    }
  }
  return out;
}
