import {
  ApiError,
  apiErrorFromResponse,
  conflictError,
  goneError,
  isAlreadyExists,
  isConflict,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
  notFoundError,
  alreadyExistsError,
} from './api-error';

describe('apiErrorFromResponse', () => {
  it('keeps a Status body as sent', () => {
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "x" not found' });
    const err = apiErrorFromResponse(404, body, 'GET', '/api/v1/namespaces/default/pods/x');
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(404);
    expect(err.message).toBe('pods "x" not found');
    expect(isNotFound(err)).toBe(true);
  });

  it('turns a non-JSON body into a readable message with the reason the code implies', () => {
    const err = apiErrorFromResponse(503, '<html>\n  <body>Service Unavailable</body>\n</html>', 'GET', '/api/v1/pods');
    expect(err.code).toBe(503);
    expect(err.status.reason).toBe('ServiceUnavailable');
    expect(err.message).toBe('the server responded with status 503 to GET /api/v1/pods: <html> <body>Service Unavailable</body> </html>');
  });

  it('uses the HTTP code when a Status body lacks one', () => {
    const err = apiErrorFromResponse(409, JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'stale' }), 'PUT', '/x');
    expect(err.code).toBe(409);
    expect(isConflict(err)).toBe(true);
  });
});

describe('error predicates', () => {
  const r = { resource: 'pods' };
  it('tell the reasons apart even where codes are shared', () => {
    expect(isAlreadyExists(alreadyExistsError(r, 'a'))).toBe(true);
    expect(isConflict(alreadyExistsError(r, 'a'))).toBe(false);
    expect(isConflict(conflictError(r, 'a', 'stale'))).toBe(true);
    expect(isAlreadyExists(conflictError(r, 'a', 'stale'))).toBe(false);
    expect(isNotFound(notFoundError(r, 'a'))).toBe(true);
    expect(isNotFound(conflictError(r, 'a', 'x'))).toBe(false);
  });

  it('treat both Expired and Gone, or a bare 410, as gone', () => {
    expect(isGone(goneError('too old resource version'))).toBe(true);
    expect(isGone(new ApiError({ code: 410, reason: 'Gone' }))).toBe(true);
    expect(isGone(new ApiError({ code: 410 }))).toBe(true);
    expect(isGone(new ApiError({ code: 500, reason: 'InternalError' }))).toBe(false);
  });

  it('fall back to the code only when the reason is unknown', () => {
    expect(isInvalid(new ApiError({ code: 422 }))).toBe(true);
    expect(isTooManyRequests(new ApiError({ code: 429, reason: 'SomethingNew' }))).toBe(true);
    expect(isNotFound(new ApiError({ code: 404, reason: 'Conflict' }))).toBe(false);
  });

  it('are false for errors that are not ApiErrors', () => {
    expect(isNotFound(new Error('404'))).toBe(false);
    expect(isGone(undefined)).toBe(false);
  });
});
