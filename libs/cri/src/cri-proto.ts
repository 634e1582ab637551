import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MethodDefinition } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';

const protoRelativePath = path.join('proto', 'cri', 'runtime', 'v1', 'api.proto');

/**
 * The CRI .proto at the workspace root, found by walking up from this file so the same code works from
 * libs/cri/src (jest), libs/cri/dist (built programs) and any checkout location.
 */
export function findCriProtoFile(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, protoRelativePath);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`cannot find ${protoRelativePath} in ${from} or any folder above it`);
  }
}

let loadedRoot: protobuf.Root | undefined;

/** The runtime.v1 subset, loaded once; field names become camelCase as in types.ts. */
export function criProtoRoot(): protobuf.Root {
  if (!loadedRoot) {
    loadedRoot = new protobuf.Root().loadSync(findCriProtoFile(), { keepCase: false });
    loadedRoot.resolveAll();
  }
  return loadedRoot;
}

export type CriServiceName = 'RuntimeService' | 'ImageService';

/** How decoded messages look in TypeScript: int64 as number, enums as names, bytes as Buffer, every field present. */
const toObjectOptions: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
};

/**
 * protobufjs fills absent message fields with null; dropping them makes "not sent" read as undefined, which is
 * what the optional fields in types.ts say.
 */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) dropNulls(item);
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (record[key] === null) delete record[key];
      else dropNulls(record[key]);
    }
  }
  return value;
}

export function encodeMessage(type: protobuf.Type, value: object): Buffer {
  const message = type.fromObject(value as Record<string, unknown>);
  return Buffer.from(type.encode(message).finish());
}

export function decodeMessage<T = Record<string, any>>(type: protobuf.Type, bytes: Buffer): T {
  return dropNulls(type.toObject(type.decode(bytes), toObjectOptions)) as T;
}

const definitions = new Map<string, MethodDefinition<object, any>>();

/** The grpc-js definition of one unary RPC, serializing plain objects through protobufjs. */
export function criMethodDefinition(service: CriServiceName, rpc: string): MethodDefinition<object, any> {
  const key = `${service}/${rpc}`;
  let definition = definitions.get(key);
  if (!definition) {
    definition = buildMethodDefinition(service, rpc);
    definitions.set(key, definition);
  }
  return definition;
}

function buildMethodDefinition(service: CriServiceName, rpc: string): MethodDefinition<object, any> {
  const method = criProtoRoot().lookupService(`runtime.v1.${service}`).methods[rpc];
  if (!method) throw new Error(`runtime.v1.${service} has no RPC ${rpc}`);
  method.resolve();
  const requestType = method.resolvedRequestType!;
  const responseType = method.resolvedResponseType!;
  return {
    path: `/runtime.v1.${service}/${rpc}`,
    requestStream: false,
    responseStream: false,
    originalName: rpc,
    requestSerialize: (value) => encodeMessage(requestType, value),
    requestDeserialize: (bytes) => decodeMessage(requestType, bytes),
    responseSerialize: (value) => encodeMessage(responseType, value),
    responseDeserialize: (bytes) => decodeMessage(responseType, bytes),
  };
}
