import type { Status, StatusReason } from '@skiff/api';

/** An error the apiserver answered with: the Status body it sent (or one built from a non-Status reply). */
export class ApiError extends Error {
  readonly status: Status;
  readonly code: number;

  constructor(status: Status) {
    super(status.message || status.reason || `request failed with code ${status.code ?? 'unknown'}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = status.code ?? 0;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const knownReasons = new Set<string>([...Object.values(reasonByCode), 'AlreadyExists', 'Expired']);

export function failureStatus(code: number, reason: string | undefined, message: string): Status {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message };
}

/**
 * Turns an HTTP error reply into an ApiError. A Status body is used as is; anything else (an HTML page from a
 * proxy, plain text) becomes a Status whose message names the request and quotes the start of the body.
 */
export function apiErrorFromResponse(code: number, body: string, method: string, path: string): ApiError {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed && typeof parsed === 'object' && parsed.kind === 'Status') {
      return new ApiError({ ...parsed, code: parsed.code ?? code });
    }
  } catch {
    // not JSON: described below
  }
  const excerpt = body.trim().replace(/\s+/g, ' ').slice(0, 200);
  const message = `the server responded with status ${code} to ${method} ${path}${excerpt ? `: ${excerpt}` : ''}`;
  return new ApiError(failureStatus(code, reasonByCode[code], message));
}

/** client-go's rule: a known reason decides; only an unknown or missing reason falls back to the code. */
function matches(err: unknown, reasons: string[], code?: number): boolean {
  if (!(err instanceof ApiError)) return false;
  const reason = err.status.reason;
  if (reason && knownReasons.has(reason)) return reasons.includes(reason);
  return code !== undefined && err.code === code;
}

export const isNotFound = (err: unknown) => matches(err, ['NotFound'], 404);
/** 409 alone is ambiguous (Conflict shares it), so only the reason counts. */
export const isAlreadyExists = (err: unknown) => matches(err, ['AlreadyExists']);
export const isConflict = (err: unknown) => matches(err, ['Conflict'], 409);
export const isGone = (err: unknown) => matches(err, ['Gone', 'Expired'], 410);
export const isInvalid = (err: unknown) => matches(err, ['Invalid'], 422);
export const isTooManyRequests = (err: unknown) => matches(err, ['TooManyRequests'], 429);

interface ResourceRef {
  group?: string;
  resource: string;
}
const qualified = (r: ResourceRef) => (r.group ? `${r.resource}.${r.group}` : r.resource);

/** The errors the apiserver sends, built the same way, for fakes and tests. */
export function notFoundError(r: ResourceRef, name: string): ApiError {
  return new ApiError({
    ...failureStatus(404, 'NotFound', `${qualified(r)} "${name}" not found`),
    details: { name, group: r.group, kind: r.resource },
  });
}

export function alreadyExistsError(r: ResourceRef, name: string): ApiError {
  return new ApiError({
    ...failureStatus(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`),
    details: { name, group: r.group, kind: r.resource },
  });
}

export function conflictError(r: ResourceRef, name: string, why: string): ApiError {
  return new ApiError({
    ...failureStatus(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`),
    details: { name, group: r.group, kind: r.resource },
  });
}

export function goneError(message: string): ApiError {
  return new ApiError(failureStatus(410, 'Expired', message));
}
