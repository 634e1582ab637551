import type { RequestAttributes, UserInfo } from '@skiff/auth';

/** The kubelet API's paths whose access Kubernetes splits off from nodes/proxy. */
const subresourceOfPath: [string, string][] = [
  ['/stats', 'stats'],
  ['/metrics', 'metrics'],
  ['/logs', 'log'],
  ['/spec', 'spec'],
  ['/checkpoint', 'checkpoint'],
];

const verbOfMethod: Record<string, string> = { POST: 'create', GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

function isSubpath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * What the kubelet asks the authorizer about a request, as Kubernetes' kubelet does: the node object itself
 * (`nodes/<name>`), with subresource `proxy` for everything but the stats, metrics, logs, spec and checkpoint
 * paths, and the verb from the HTTP method (a WebSocket exec or attach is a GET, so `get nodes/proxy`).
 */
export function kubeletRequestAttributes(user: UserInfo, method: string, path: string, nodeName: string): RequestAttributes {
  const clean = `/${path.split('/').filter(Boolean).join('/')}`;
  const found = subresourceOfPath.find(([prefix]) => isSubpath(clean, prefix));
  return {
    user,
    verb: verbOfMethod[method] ?? '',
    resourceRequest: true,
    path,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'nodes',
    subresource: found ? found[1] : 'proxy',
    name: nodeName,
  };
}
