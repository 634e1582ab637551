import type { TSchema } from '@sinclair/typebox';
import type { KObject } from '../meta/object-meta';
import type { FieldError } from '../validation/field-errors';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';
export const allVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceType {
  /** `status`, `scale`, `binding`, `eviction`, `log`, `exec`, `finalize`, ... */
  name: string;
  /** What the subresource takes and returns; defaults to the parent kind. */
  kind?: GroupVersionKind;
  verbs: string[];
}

/** Which rule an object's metadata.name must follow. */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

/**
 * Everything the system knows about one resource: its identity (group/version/kind ⇄ plural ⇄ short names),
 * where it lives in etcd, its schema, and its strategy (defaulting, validation). The apiserver's generic
 * registry serves any ResourceType; adding a kind means adding one of these.
 */
export interface ResourceType<T extends KObject = KObject> {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural resource name used in URLs: `pods`. */
  resource: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: Verb[];
  subresources: SubresourceType[];
  /** Path under `/registry/` where objects live: `pods`, `minions`, `services/specs`. */
  etcdPrefix: string;
  /**
   * False for kinds that are only ever created and answered at once, never kept (Binding, the access reviews):
   * the apiserver gives them no storage, and a create handler of their own.
   */
  stored: boolean;
  nameRule: NameRule;
  /** The whole object's schema (TypeMeta + metadata + spec/status/...). */
  schema: TSchema;
  /** True when status is written only through the `status` subresource. */
  hasStatusSubresource: boolean;
  /** True when metadata.generation moves on spec changes (workloads); false for kinds without spec. */
  tracksGeneration: boolean;
  /** Fills unset fields the way Kubernetes does; mutates in place. */
  applyDefaults?(obj: T): void;
  /** Semantic validation beyond the schema (names, uniqueness, ranges). */
  validate?(obj: T): FieldError[];
  /** Extra checks on update: immutable fields and the like. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Extra checks on an update through a subresource (`status`, `approval`), which validateUpdate does not see. */
  validateSubresourceUpdate?(subresource: string, obj: T, old: T): FieldError[];
  /** Values for field selectors beyond metadata.name / metadata.namespace, e.g. `spec.nodeName`. */
  selectableFields?(obj: T): Record<string, string>;
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
