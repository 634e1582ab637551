import { forbiddenMessage, forbiddenStatus } from './forbidden';
import type { RequestAttributes } from './request-attributes';

const u = { name: 'u', groups: ['system:authenticated'] };
const req = (extra: Partial<RequestAttributes>): RequestAttributes => ({ user: u, verb: 'list', resourceRequest: true, apiGroup: '', resource: 'pods', ...extra });

describe('forbiddenMessage', () => {
  it('words namespaced, cluster-scoped, subresource and non-resource requests as Kubernetes does', () => {
    expect(forbiddenMessage(req({ namespace: 'default' }))).toBe('User "u" cannot list resource "pods" in API group "" in the namespace "default"');
    expect(forbiddenMessage(req({ resource: 'nodes' }))).toBe('User "u" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(forbiddenMessage(req({ verb: 'get', subresource: 'log', namespace: 'dev', name: 'web' }))).toBe(
      'User "u" cannot get resource "pods/log" in API group "" in the namespace "dev"',
    );
    expect(forbiddenMessage({ user: { name: 'system:anonymous', groups: [] }, verb: 'get', resourceRequest: false, path: '/metrics' })).toBe(
      'User "system:anonymous" cannot get path "/metrics"',
    );
  });
});

describe('forbiddenStatus', () => {
  it('is the 403 Status kubectl prints for a list', () => {
    expect(forbiddenStatus(req({ namespace: 'default' }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
  });

  it('qualifies the resource with its group and names the object', () => {
    const s = forbiddenStatus(req({ verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: 'dev', name: 'web' }));
    expect(s.message).toBe('deployments.apps "web" is forbidden: User "u" cannot get resource "deployments" in API group "apps" in the namespace "dev"');
    expect(s.details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
  });

  it('appends the authorizers\' reasons after a colon', () => {
    const s = forbiddenStatus(req({ namespace: 'dev' }), 'RBAC: role.rbac.authorization.k8s.io "gone" not found');
    expect(s.message).toBe('pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "dev": RBAC: role.rbac.authorization.k8s.io "gone" not found');
  });

  it('says only "forbidden" for non-resource paths, and escapes HTML in the request', () => {
    const s = forbiddenStatus({ user: { name: 'system:anonymous', groups: [] }, verb: 'get', resourceRequest: false, path: '/<script>' });
    expect(s.message).toBe('forbidden: User "system:anonymous" cannot get path "/&lt;script&gt;"');
    expect(s.details).toEqual({});
  });
});
