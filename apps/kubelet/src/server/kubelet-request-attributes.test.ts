import { kubeletRequestAttributes } from './kubelet-request-attributes';

const user = { name: 'u', groups: ['g'] };

describe('kubeletRequestAttributes', () => {
  it.each([
    ['GET', '/pods', 'get', 'proxy'],
    ['GET', '/containerLogs/default/web/app', 'get', 'proxy'],
    ['POST', '/exec/default/web/app', 'create', 'proxy'],
    ['GET', '/healthz', 'get', 'proxy'],
    ['GET', '/stats/summary', 'get', 'stats'],
    ['GET', '/stats', 'get', 'stats'],
    ['GET', '/metrics', 'get', 'metrics'],
    ['GET', '/metrics/cadvisor', 'get', 'metrics'],
    ['GET', '/logs/syslog', 'get', 'log'],
    ['GET', '/spec/', 'get', 'spec'],
    ['POST', '/checkpoint/default/web/app', 'create', 'checkpoint'],
    ['GET', '/statsx', 'get', 'proxy'],
    ['DELETE', '/pods', 'delete', 'proxy'],
    ['PUT', '/pods', 'update', 'proxy'],
    ['PATCH', '/pods', 'patch', 'proxy'],
  ])('%s %s is %s on nodes/%s of the node', (method, path, verb, subresource) => {
    expect(kubeletRequestAttributes(user, method, path, 'node-a')).toEqual({
      user,
      verb,
      resourceRequest: true,
      path,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'nodes',
      subresource,
      name: 'node-a',
    });
  });

  it('leaves the verb empty for methods Kubernetes does not map (HEAD, OPTIONS)', () => {
    expect(kubeletRequestAttributes(user, 'HEAD', '/pods', 'n').verb).toBe('');
  });
});
