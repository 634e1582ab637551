import { Opt, Str, Struct, type Static } from '../../schema/builders';

/** core/v1 ObjectReference: points at any object, or a field within it (events, bindings, endpoints). */
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
