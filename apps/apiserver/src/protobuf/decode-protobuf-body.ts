import type * as protobuf from 'protobufjs';
import { badRequest, unsupportedMediaType } from '../handlers/status-error';
import { messageToJSON } from './message-to-json';
import { kubernetesProtos, messageTypeFor } from './proto-root';
import { ProtobufContentError } from './wire-values';

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

/** Every Kubernetes protobuf body starts with "k8s\0" before its runtime.Unknown envelope. */
const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const unknownType = kubernetesProtos.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

interface Envelope {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

function decodeWith<T>(type: protobuf.Type, bytes: Uint8Array, what: string): T {
  try {
    return type.decode(bytes) as unknown as T;
  } catch (e) {
    throw badRequest(`error decoding protobuf ${what}: ${(e as Error).message}`);
  }
}

/**
 * Decodes an `application/vnd.kubernetes.protobuf` request body into the JSON object form the rest of the
 * server handles, with apiVersion and kind taken from the envelope. Malformed bytes are a 400; a kind Skiff
 * has no .proto for is a 415, as any body it cannot read.
 */
export function decodeProtobufBody(body: Uint8Array): Record<string, unknown> {
  if (body.length === 0) throw badRequest('the request body is empty: an object is required');
  if (body.length < magic.length || !Buffer.from(body.subarray(0, magic.length)).equals(magic)) {
    throw badRequest(`the protobuf body does not start with the Kubernetes prefix "k8s\\x00"`);
  }
  const envelope = decodeWith<Envelope>(unknownType, body.subarray(magic.length), 'envelope (runtime.Unknown)');
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (!apiVersion || !kind) throw badRequest('the protobuf envelope (runtime.Unknown) does not name the apiVersion and kind of its object');
  if (envelope.contentEncoding) {
    throw unsupportedMediaType(`the protobuf body's content encoding "${envelope.contentEncoding}" is not supported`);
  }
  if (envelope.contentType && envelope.contentType !== protobufMediaType) {
    throw unsupportedMediaType(`the protobuf envelope holds "${envelope.contentType}", not ${protobufMediaType}`);
  }
  const type = messageTypeFor(apiVersion, kind);
  if (!type) {
    throw unsupportedMediaType(`${kind} in ${apiVersion} cannot be sent as ${protobufMediaType} - send it as application/json or application/yaml`);
  }
  const object = decodeWith<Record<string, unknown>>(type, envelope.raw ?? new Uint8Array(), `${kind}`);
  try {
    return { apiVersion, kind, ...messageToJSON(type, object) };
  } catch (e) {
    if (e instanceof ProtobufContentError) throw badRequest(`error decoding protobuf ${kind}: ${e.message}`);
    throw e;
  }
}
