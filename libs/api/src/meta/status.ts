import { Int, List, Opt, Str, Struct, type Static } from '../schema/builders';
import { ListMetaSchema } from './object-meta';

export const StatusCauseSchema = Struct({ reason: Opt(Str()), message: Opt(Str()), field: Opt(Str()) });
export type StatusCause = Static<typeof StatusCauseSchema>;

export const StatusDetailsSchema = Struct({
  name: Opt(Str()),
  group: Opt(Str()),
  kind: Opt(Str()),
  uid: Opt(Str()),
  causes: Opt(List(StatusCauseSchema)),
  retryAfterSeconds: Opt(Int()),
});

export const StatusSchema = Struct({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ListMetaSchema),
  status: Opt(Str()),
  message: Opt(Str()),
  reason: Opt(Str()),
  details: Opt(StatusDetailsSchema),
  code: Opt(Int()),
});
export type Status = Static<typeof StatusSchema>;

/** The reasons Kubernetes puts in Status.reason (metav1.StatusReason). */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';
