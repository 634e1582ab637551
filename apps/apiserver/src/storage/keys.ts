import type { KObject, ResourceType } from '@skiff/api';

/** Kubernetes' etcd layout: `/registry/<prefix>/<namespace>/<name>` or `/registry/<prefix>/<name>`. */
export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced ? `/registry/${type.etcdPrefix}/${namespace}/${name}` : `/registry/${type.etcdPrefix}/${name}`;
}

/** The prefix holding a resource's objects, optionally narrowed to one namespace. */
export function collectionPrefix(type: ResourceType, namespace?: string): string {
  return type.namespaced && namespace ? `/registry/${type.etcdPrefix}/${namespace}/` : `/registry/${type.etcdPrefix}/`;
}

/** Turns a stored value into the served object: the stored JSON plus the key's mod revision. */
export function decodeStored<T extends KObject>(value: Buffer | string, modRevision: number): T {
  const obj = JSON.parse(value.toString()) as T;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

/** The stored form: the object without its resourceVersion, which etcd's mod revision supplies. */
export function encodeForStorage(obj: KObject): string {
  const rv = obj.metadata.resourceVersion;
  delete obj.metadata.resourceVersion;
  try {
    return JSON.stringify(obj);
  } finally {
    if (rv !== undefined) obj.metadata.resourceVersion = rv;
  }
}
