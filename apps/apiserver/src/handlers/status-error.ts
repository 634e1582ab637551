import { formatFieldError, type FieldError, type ResourceType, type Status, type StatusReason } from '@skiff/api';
import { StorageError } from '../storage/storage-error';

/** An error that is answered with a Kubernetes Status body and the matching HTTP code. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: Status['details'],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

type Res = Pick<ResourceType, 'group' | 'resource'>;

export const badRequest = (msg: string) => new StatusError(400, 'BadRequest', msg);
export const notFound = (t: Res, name: string) =>
  new StatusError(404, 'NotFound', `${qualified(t)} "${name}" not found`, { name, group: t.group, kind: t.resource });
export const alreadyExists = (t: Res, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, { name, group: t.group, kind: t.resource });
export const conflict = (t: Res, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(t)} "${name}": ${why}`, { name, group: t.group, kind: t.resource });
export const gone = (msg: string) => new StatusError(410, 'Expired', msg);
export const methodNotAllowed = (msg: string) => new StatusError(405, 'MethodNotAllowed', msg);
export const unsupportedMediaType = (msg: string) => new StatusError(415, 'UnsupportedMediaType', msg);
export const tooLarge = (msg = 'Request entity too large: limit is 3145728') => new StatusError(413, 'RequestEntityTooLarge', msg);
export const unavailable = (msg: string) => new StatusError(503, 'ServiceUnavailable', msg);
export const internal = (msg: string) => new StatusError(500, 'InternalError', msg);
export const forbidden = (t: Res, name: string, why: string) =>
  new StatusError(403, 'Forbidden', `${qualified(t)} "${name}" is forbidden: ${why}`, { name, group: t.group, kind: t.resource });
export const tooManyRequests = (msg: string, retryAfterSeconds: number, causes?: { reason: string; message: string }[]) =>
  new StatusError(429, 'TooManyRequests', msg, { causes, retryAfterSeconds }, retryAfterSeconds);

/** 422 Invalid with one cause per field error, printed by kubectl as `* <field>: <detail>`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): StatusError {
  const lines = errors.map(formatFieldError);
  const msg = `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`}`;
  return new StatusError(422, 'Invalid', msg, {
    name,
    group,
    kind,
    causes: errors.map((e, i) => ({ reason: e.type, message: lines[i].slice(e.field.length + 2), field: e.field })),
  });
}

function qualified(t: Res): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

/** Maps storage failures to Status errors for one object. */
export function fromStorage(e: unknown, t: Res, name: string): unknown {
  if (!(e instanceof StorageError)) return e;
  switch (e.kind) {
    case 'NotFound':
      return notFound(t, name);
    case 'AlreadyExists':
      return alreadyExists(t, name);
    case 'Conflict':
      return conflict(t, name);
    case 'Compacted':
      return gone(e.message);
    case 'TooLarge':
      return tooLarge(`etcd rejected the object as too large: ${e.message}`);
    case 'Internal':
      return internal(`Internal error occurred: ${e.message}`);
    default:
      return unavailable(e.message);
  }
}
