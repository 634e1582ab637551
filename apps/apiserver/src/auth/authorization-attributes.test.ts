import { authorizationAttributes } from './authorization-attributes';

const user = { name: 'alice', groups: ['system:authenticated'] };
const attrs = (method: string, path: string, query: Record<string, unknown> = {}) => {
  const { user: _user, ...rest } = authorizationAttributes(user, method, path, query);
  return rest;
};

describe('authorizationAttributes', () => {
  it('reads namespaced resource requests and their verbs', () => {
    expect(attrs('GET', '/api/v1/namespaces/default/pods')).toEqual({ verb: 'list', resourceRequest: true, path: '/api/v1/namespaces/default/pods', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'default' });
    expect(attrs('GET', '/api/v1/namespaces/default/pods', { watch: 'true' }).verb).toBe('watch');
    expect(attrs('GET', '/apis/apps/v1/namespaces/ns/deployments/web')).toMatchObject({ verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: 'ns', name: 'web' });
    expect(attrs('PUT', '/apis/apps/v1/namespaces/ns/deployments/web/scale')).toMatchObject({ verb: 'update', resource: 'deployments', name: 'web', subresource: 'scale' });
    expect(attrs('PATCH', '/api/v1/nodes/n1/status')).toMatchObject({ verb: 'patch', resource: 'nodes', name: 'n1', subresource: 'status', namespace: undefined });
    expect(attrs('POST', '/api/v1/namespaces/ns/pods')).toMatchObject({ verb: 'create', resource: 'pods' });
    expect(attrs('DELETE', '/api/v1/namespaces/ns/pods')).toMatchObject({ verb: 'deletecollection' });
    expect(attrs('DELETE', '/api/v1/namespaces/ns/pods/p')).toMatchObject({ verb: 'delete', name: 'p' });
  });

  it('treats a namespace as both the resource and its own namespace', () => {
    expect(attrs('GET', '/api/v1/namespaces/team')).toMatchObject({ resource: 'namespaces', name: 'team', namespace: 'team' });
    expect(attrs('PUT', '/api/v1/namespaces/team/finalize')).toMatchObject({ resource: 'namespaces', name: 'team', subresource: 'finalize', namespace: 'team' });
    expect(attrs('GET', '/api/v1/namespaces')).toMatchObject({ verb: 'list', resource: 'namespaces', namespace: undefined });
  });

  it('reads the legacy watch prefix and a metadata.name field selector', () => {
    expect(attrs('GET', '/api/v1/watch/namespaces/ns/pods')).toMatchObject({ verb: 'watch', resource: 'pods', namespace: 'ns' });
    expect(attrs('GET', '/api/v1/namespaces/ns/pods', { fieldSelector: 'metadata.name=web' })).toMatchObject({ verb: 'list', name: 'web' });
  });

  it('keeps the proxy subresource and ignores the path behind it', () => {
    expect(attrs('GET', '/api/v1/nodes/n1/proxy/stats/summary')).toMatchObject({ verb: 'get', resource: 'nodes', name: 'n1', subresource: 'proxy' });
  });

  it('makes every other path a non-resource request with the method as verb', () => {
    for (const p of ['/version', '/healthz', '/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/openapi/v3']) {
      expect(attrs('GET', p)).toEqual({ verb: 'get', resourceRequest: false, path: p });
    }
    expect(attrs('POST', '/livez')).toEqual({ verb: 'post', resourceRequest: false, path: '/livez' });
  });

  it('authorizes a resource this server does not serve by its name, before it could be reported missing', () => {
    expect(attrs('GET', '/apis/example.com/v1/widgets')).toMatchObject({ resourceRequest: true, apiGroup: 'example.com', resource: 'widgets', verb: 'list' });
  });
});
