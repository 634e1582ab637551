import type { RequestAttributes, UserInfo } from '@skiff/auth';

// Subresources of a namespace itself: /api/v1/namespaces/{name}/status is the namespace's status, not a collection.
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * What the authorizer is asked about a request, read from the URL alone as Kubernetes' RequestInfoFactory does:
 * `/api/v1/...` and `/apis/<group>/<version>/...` with a resource are resource requests (whether or not this
 * server serves that resource, so an unknown resource is refused before it could be reported missing); every
 * other path is a non-resource request with the lower-case method as verb.
 */
export function authorizationAttributes(user: UserInfo, method: string, path: string, query: Record<string, unknown>): RequestAttributes {
  const nonResource: RequestAttributes = { user, verb: method.toLowerCase(), resourceRequest: false, path };
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return nonResource;
  }
  let apiGroup: string;
  let apiVersion: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    [apiGroup, apiVersion, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    [apiGroup, apiVersion, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return nonResource;
  }

  let verb: string;
  switch (method) {
    case 'POST':
      verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      verb = 'get';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = 'delete';
      break;
    default:
      verb = '';
  }
  // The old `/api/v1/watch/...` form watches what follows.
  if (rest[0] === 'watch' && rest.length > 1) {
    verb = 'watch';
    rest = rest.slice(1);
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const attrs: RequestAttributes = { user, verb, resourceRequest: true, path, apiGroup, apiVersion, resource, namespace };
  if (name !== undefined) attrs.name = name;
  if (subresource !== undefined) attrs.subresource = subresource;

  if (attrs.name === undefined && verb === 'get') {
    attrs.verb = query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
    // A list or watch narrowed to one object by `metadata.name=` is authorized as that object.
    const named = nameFromFieldSelector(query.fieldSelector);
    if (named !== undefined) attrs.name = named;
  } else if (attrs.name === undefined && verb === 'delete') {
    attrs.verb = 'deletecollection';
  } else if (attrs.name !== undefined && verb === 'get' && (query.watch === 'true' || query.watch === '1')) {
    attrs.verb = 'watch';
  }
  return attrs;
}

function nameFromFieldSelector(selector: unknown): string | undefined {
  if (typeof selector !== 'string') return undefined;
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}
