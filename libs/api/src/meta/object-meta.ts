import { Bool, Int64, List, ListMap, ListSet, Opt, RawJSON, Str, StringMap, Struct, Time, type Static } from '../schema/builders';

export const OwnerReferenceSchema = Struct({
  apiVersion: Str(),
  kind: Str(),
  name: Str(),
  uid: Str(),
  controller: Opt(Bool()),
  blockOwnerDeletion: Opt(Bool()),
});
export type OwnerReference = Static<typeof OwnerReferenceSchema>;

export const ManagedFieldsEntrySchema = Struct({
  manager: Opt(Str()),
  operation: Opt(Str()),
  apiVersion: Opt(Str()),
  time: Opt(Time()),
  fieldsType: Opt(Str()),
  fieldsV1: Opt(RawJSON()),
  subresource: Opt(Str()),
});
export type ManagedFieldsEntry = Static<typeof ManagedFieldsEntrySchema>;

export const ObjectMetaSchema = Struct({
  name: Opt(Str()),
  generateName: Opt(Str()),
  namespace: Opt(Str()),
  selfLink: Opt(Str()),
  uid: Opt(Str()),
  resourceVersion: Opt(Str()),
  generation: Opt(Int64()),
  creationTimestamp: Opt(Time()),
  deletionTimestamp: Opt(Time()),
  deletionGracePeriodSeconds: Opt(Int64()),
  labels: Opt(StringMap()),
  annotations: Opt(StringMap()),
  ownerReferences: Opt(ListMap(OwnerReferenceSchema, 'uid')),
  finalizers: Opt(ListSet(Str())),
  managedFields: Opt(List(ManagedFieldsEntrySchema)),
});
export type ObjectMeta = Static<typeof ObjectMetaSchema>;

export const ListMetaSchema = Struct({
  selfLink: Opt(Str()),
  resourceVersion: Opt(Str()),
  continue: Opt(Str()),
  remainingItemCount: Opt(Int64()),
});
export type ListMeta = Static<typeof ListMetaSchema>;

/** What every stored object has: type meta plus object meta. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface KList<T extends KObject = KObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}
