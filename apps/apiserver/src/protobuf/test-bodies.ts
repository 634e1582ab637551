import * as protobuf from 'protobufjs';
import { kubernetesProtos, messageTypeFor } from './proto-root';

/**
 * Builds an `application/vnd.kubernetes.protobuf` body the way client-go does, from Skiff's own .proto: the
 * "k8s\0" prefix, then a runtime.Unknown holding the type and the encoded object. `object` is in protobufjs'
 * object form (Time as {seconds}, Quantity as {string}, IntOrString as {type, intVal, strVal}, bytes as Buffers).
 * For tests.
 */
export function protobufBody(apiVersion: string, kind: string, messageName: string, object: Record<string, unknown>): Buffer {
  const type = kubernetesProtos.lookupType(messageName);
  const problem = type.verify(object);
  if (problem) throw new Error(`test object is not a ${messageName}: ${problem}`);
  return protobufEnvelope({ typeMeta: { apiVersion, kind }, raw: type.encode(type.fromObject(object)).finish() });
}

/** The "k8s\0" prefix and a runtime.Unknown with exactly the given fields. */
export function protobufEnvelope(unknown: Record<string, unknown>): Buffer {
  const envelope = kubernetesProtos.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope.encode(envelope.fromObject(unknown)).finish()]);
}

const timeTypes = new Set(['.k8s.io.apimachinery.pkg.apis.meta.v1.Time', '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime']);

function protoValueOf(field: protobuf.Field, value: unknown, path: string): unknown {
  const type = field.resolvedType;
  if (!(type instanceof protobuf.Type)) return field.type === 'bytes' ? Buffer.from(String(value), 'base64') : value;
  if (timeTypes.has(type.fullName)) {
    const text = String(value);
    const fraction = /\.(\d+)Z$/.exec(text)?.[1] ?? '';
    return { seconds: Math.floor(Date.parse(text) / 1000), nanos: Number(fraction.padEnd(9, '0')) };
  }
  switch (type.fullName) {
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { string: String(value) };
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return typeof value === 'number' ? { type: 0, intVal: value } : { type: 1, strVal: value };
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { raw: Buffer.from(JSON.stringify(value)) };
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1':
      return { Raw: Buffer.from(JSON.stringify(value)) };
    default:
      return protoObjectOf(type, value as Record<string, unknown>, path);
  }
}

/** The protobufjs object form of the fields of `json` that `type` (and the structs it inlines) declare. */
function protoFieldsOf(type: protobuf.Type, json: Record<string, unknown>, path: string, used: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (field.getOption('(skiff.json_inline)')) {
      const inner = protoFieldsOf(field.resolvedType as protobuf.Type, json, path, used);
      if (Object.keys(inner).length) out[field.name] = inner;
      continue;
    }
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    used.add(field.name);
    const here = `${path}.${field.name}`;
    if (field.map) {
      out[field.name] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, protoValueOf(field, v, `${here}[${k}]`)]));
    } else if (field.repeated) {
      out[field.name] = (value as unknown[]).map((v, i) => protoValueOf(field, v, `${here}[${i}]`));
    } else {
      out[field.name] = protoValueOf(field, value, here);
    }
  }
  return out;
}

/** The protobufjs object form of a Kubernetes JSON object; throws on a JSON field the message lacks. */
function protoObjectOf(type: protobuf.Type, json: Record<string, unknown>, path: string): Record<string, unknown> {
  const used = new Set<string>();
  const out = protoFieldsOf(type, json, path, used);
  const left = Object.keys(json).filter((k) => !used.has(k));
  if (left.length) throw new Error(`${path}: ${type.fullName} has no field for ${left.join(', ')}`);
  return out;
}

/** A protobuf body carrying a Kubernetes JSON object (apiVersion and kind go into the envelope). For tests. */
export function protobufBodyFromJSON(object: Record<string, unknown>): Buffer {
  const { apiVersion, kind, ...rest } = object as { apiVersion: string; kind: string };
  const type = messageTypeFor(apiVersion, kind);
  if (!type) throw new Error(`no protobuf message for ${kind} in ${apiVersion}`);
  return protobufBody(apiVersion, kind, type.fullName.slice(1), protoObjectOf(type, rest, kind));
}
