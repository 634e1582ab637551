import { Bool, Int64, List, Opt, Str, Struct, type Static } from '../schema/builders';

export const PreconditionsSchema = Struct({ uid: Opt(Str()), resourceVersion: Opt(Str()) });

export const DeleteOptionsSchema = Struct({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  gracePeriodSeconds: Opt(Int64()),
  preconditions: Opt(PreconditionsSchema),
  orphanDependents: Opt(Bool()),
  propagationPolicy: Opt(Str()),
  dryRun: Opt(List(Str())),
});
export type DeleteOptions = Static<typeof DeleteOptionsSchema>;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = unknown> {
  type: WatchEventType;
  object: T;
}
