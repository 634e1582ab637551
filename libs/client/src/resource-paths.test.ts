import { queryString, resourcePath, watchQuery, writeQuery, listQuery } from './resource-paths';

const pods = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const nodes = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };

describe('resourcePath', () => {
  it('builds core namespaced paths for collections, objects and subresources', () => {
    expect(resourcePath(pods, { namespace: 'default' })).toBe('/api/v1/namespaces/default/pods');
    expect(resourcePath(pods, { namespace: 'default', name: 'web-1' })).toBe('/api/v1/namespaces/default/pods/web-1');
    expect(resourcePath(pods, { namespace: 'kube-system', name: 'web-1', subresource: 'status' })).toBe('/api/v1/namespaces/kube-system/pods/web-1/status');
  });

  it('lists a namespaced type across all namespaces when no namespace is given', () => {
    expect(resourcePath(pods)).toBe('/api/v1/pods');
    expect(resourcePath(deployments, {})).toBe('/apis/apps/v1/deployments');
  });

  it('puts named groups under /apis', () => {
    expect(resourcePath(deployments, { namespace: 'prod', name: 'api', subresource: 'scale' })).toBe('/apis/apps/v1/namespaces/prod/deployments/api/scale');
    expect(resourcePath(leases, { namespace: 'kube-system', name: 'kube-scheduler' })).toBe(
      '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler',
    );
  });

  it('drops the namespace for cluster-scoped types', () => {
    expect(resourcePath(nodes, { namespace: 'default', name: 'node-1', subresource: 'status' })).toBe('/api/v1/nodes/node-1/status');
    expect(resourcePath(nodes)).toBe('/api/v1/nodes');
  });

  it('escapes path segments', () => {
    expect(resourcePath(nodes, { name: 'a b/c' })).toBe('/api/v1/nodes/a%20b%2Fc');
  });

  it('refuses addresses that cannot be right', () => {
    expect(() => resourcePath(pods, { name: 'web-1' })).toThrow(/namespace is required/);
    expect(() => resourcePath(pods, { namespace: 'x', subresource: 'status' })).toThrow(/needs an object name/);
    expect(() => resourcePath(nodes, { name: '' })).toThrow(/empty name/);
  });
});

describe('query strings', () => {
  it('encodes list options and skips unset ones', () => {
    expect(queryString(listQuery({ labelSelector: 'app=web,tier in (a,b)', limit: 50, continue: 'tok' }))).toBe(
      '?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29&limit=50&continue=tok',
    );
    expect(queryString(listQuery({}))).toBe('');
  });

  it('adds watch flags', () => {
    expect(queryString(watchQuery({ resourceVersion: '42', allowWatchBookmarks: true, timeoutSeconds: 300 }))).toBe(
      '?resourceVersion=42&watch=true&allowWatchBookmarks=true&timeoutSeconds=300',
    );
  });

  it('maps write options, dryRun becoming dryRun=All', () => {
    expect(queryString(writeQuery({ fieldManager: 'skiff', dryRun: true, fieldValidation: 'Strict', force: true }))).toBe(
      '?fieldManager=skiff&dryRun=All&fieldValidation=Strict&force=true',
    );
  });
});
