import type { Status, StatusReason } from '@skiff/api';

/** A Kubernetes Status body for a failed kubelet request; the apiserver hands it on to the client unchanged. */
export function failureStatus(code: number, reason: StatusReason, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const badRequestStatus = (message: string) => failureStatus(400, 'BadRequest', message);
export const notFoundStatus = (message: string) => failureStatus(404, 'NotFound', message);
export const internalErrorStatus = (message: string) => failureStatus(500, 'InternalError', message);
