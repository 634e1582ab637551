import { Type, type TSchema } from '@sinclair/typebox';
import { ObjectMetaSchema, type KObject } from '../meta/object-meta';
import { allVerbs, apiVersionOf, type ResourceType } from './resource-type';

/** The TypeMeta + ObjectMeta header every kind's schema starts with. */
export function kindHeader() {
  return {
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: ObjectMetaSchema,
  };
}

type Required = Pick<ResourceType, 'group' | 'version' | 'kind' | 'resource' | 'namespaced' | 'schema'>;

/** Fills the conventional parts of a ResourceType (list kind, singular, etcd prefix, verbs). */
export function defineResource<T extends KObject>(
  t: Required & Partial<ResourceType<T>>,
): ResourceType<T> {
  return {
    listKind: `${t.kind}List`,
    singular: t.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: allVerbs,
    subresources: [],
    etcdPrefix: t.resource,
    stored: true,
    nameRule: 'dns1123-subdomain',
    hasStatusSubresource: false,
    tracksGeneration: false,
    ...t,
  } as ResourceType<T>;
}

export { apiVersionOf };
export type { TSchema };
