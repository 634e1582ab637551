import { Opt, Str, Struct, type Static } from '../../schema/builders';

/**
 * core/v1 ObjectReference, as EndpointSlice.targetRef and CronJob.status.active use it. Kept here, outside
 * the group indexes, until core/v1 serves a kind that owns it.
 */
export const ObjectReferenceSchema = Struct({
  kind: Opt(Str()),
  namespace: Opt(Str()),
  name: Opt(Str()),
  uid: Opt(Str()),
  apiVersion: Opt(Str()),
  resourceVersion: Opt(Str()),
  fieldPath: Opt(Str()),
});
export type ObjectReference = Static<typeof ObjectReferenceSchema>;
