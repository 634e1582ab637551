import type { ResourceType, Scheme } from '@skiff/api';

export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a resource request is about, parsed from its path and method (Kubernetes' RequestInfo). */
export interface RequestInfo {
  verb: RequestVerb;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** For proxy subresources, the rest of the path after `/proxy`, kept encoded: `/`, `/healthz`, `/stats/summary`. */
  subpath?: string;
}

export type ParseResult = { ok: true; info: RequestInfo } | { ok: false; code: 404 | 405; message: string };

const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: Record<string, unknown>, scheme: Scheme): ParseResult | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return undefined;

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && namespaceSubresources.has(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  const type = scheme.forResource(group, version, resource);
  const gv = group ? `${group}/${version}` : version;
  if (!type) return { ok: false, code: 404, message: `the server could not find the requested resource (${resource} in ${gv})` };
  const isProxy = subresource === 'proxy';
  if (extra.length && !isProxy) return { ok: false, code: 404, message: `the server could not find the requested resource` };
  if (namespace !== undefined && !type.namespaced) {
    return { ok: false, code: 404, message: `the server could not find the requested resource: ${resource} is not namespaced` };
  }
  if (subresource && !type.subresources.some((s) => s.name === subresource)) {
    return { ok: false, code: 404, message: `the server could not find the requested resource: ${resource}/${subresource}` };
  }
  if (type.namespaced && name !== undefined && namespace === undefined) {
    return { ok: false, code: 404, message: `the server could not find the requested resource: ${resource} "${name}" needs a namespace` };
  }
  const isWatch = query.watch === 'true' || query.watch === '1';
  let verb: RequestVerb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name === undefined ? (isWatch ? 'watch' : 'list') : isWatch ? 'watch' : 'get';
      break;
    case 'POST':
      // POST goes to a collection, or to a subresource such as pods/x/binding.
      if (name !== undefined && !subresource) return { ok: false, code: 405, message: `the server does not allow this method on the requested resource (post ${resource} ${name})` };
      verb = 'create';
      break;
    case 'PUT':
    case 'PATCH':
      if (name === undefined) return { ok: false, code: 405, message: `the server does not allow this method on the requested resource (${method.toLowerCase()} ${resource})` };
      verb = method === 'PUT' ? 'update' : 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      return { ok: false, code: 405, message: `method ${method} is not supported on ${path}` };
  }
  const subpath = isProxy ? proxySubpath(path, extra.length) : undefined;
  return { ok: true, info: { verb, type, namespace, name, subresource, ...(subpath !== undefined ? { subpath } : {}) } };
}

/** The last `segments` segments of the raw path (what follows `/{name}/proxy`), encoding and trailing slash kept. */
function proxySubpath(path: string, segments: number): string {
  const raw = path.split('/').filter(Boolean);
  const rest = segments ? raw.slice(-segments).join('/') : '';
  return `/${rest}${rest && path.endsWith('/') ? '/' : ''}`;
}
