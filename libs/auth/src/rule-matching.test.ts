import type { PolicyRule } from '@skiff/api';
import type { RequestAttributes } from './request-attributes';
import { nonResourceURLMatches, resourceMatches, ruleAllows } from './rule-matching';

const user = { name: 'alice', groups: [] };
const resourceReq = (extra: Partial<RequestAttributes>): RequestAttributes => ({ user, verb: 'get', resourceRequest: true, apiGroup: '', resource: 'pods', namespace: 'dev', ...extra });
const rule = (extra: Partial<PolicyRule>): PolicyRule => ({ verbs: ['get'], apiGroups: [''], resources: ['pods'], ...extra });

describe('resource rules', () => {
  it('match verb, API group and resource exactly, or by *', () => {
    expect(ruleAllows(resourceReq({}), rule({}))).toBe(true);
    expect(ruleAllows(resourceReq({ verb: 'list' }), rule({}))).toBe(false);
    expect(ruleAllows(resourceReq({ verb: 'list' }), rule({ verbs: ['*'] }))).toBe(true);
    expect(ruleAllows(resourceReq({ apiGroup: 'apps', resource: 'deployments' }), rule({ resources: ['deployments'] }))).toBe(false);
    expect(ruleAllows(resourceReq({ apiGroup: 'apps', resource: 'deployments' }), rule({ apiGroups: ['*'], resources: ['*'] }))).toBe(true);
  });

  it('keep subresources apart from their resource', () => {
    expect(ruleAllows(resourceReq({ subresource: 'log' }), rule({}))).toBe(false);
    expect(ruleAllows(resourceReq({ subresource: 'log' }), rule({ resources: ['pods/log'] }))).toBe(true);
    expect(ruleAllows(resourceReq({}), rule({ resources: ['pods/log'] }))).toBe(false);
    expect(ruleAllows(resourceReq({ subresource: 'exec' }), rule({ resources: ['pods/log'] }))).toBe(false);
    expect(ruleAllows(resourceReq({ subresource: 'log' }), rule({ resources: ['*'] }))).toBe(true);
  });

  it('let */<subresource> stand for that subresource of any resource', () => {
    const scale = rule({ apiGroups: ['apps'], resources: ['*/scale'] });
    expect(resourceMatches(scale, 'deployments/scale', 'scale')).toBe(true);
    expect(ruleAllows(resourceReq({ apiGroup: 'apps', resource: 'statefulsets', subresource: 'scale' }), scale)).toBe(true);
    expect(ruleAllows(resourceReq({ apiGroup: 'apps', resource: 'statefulsets' }), scale)).toBe(false);
    expect(ruleAllows(resourceReq({ apiGroup: 'apps', resource: 'statefulsets', subresource: 'status' }), scale)).toBe(false);
  });

  it('limit to resourceNames when given; requests without a name (list, create) never match them', () => {
    const named = rule({ verbs: ['get', 'list', 'create'], resourceNames: ['web-0'] });
    expect(ruleAllows(resourceReq({ name: 'web-0' }), named)).toBe(true);
    expect(ruleAllows(resourceReq({ name: 'web-1' }), named)).toBe(false);
    expect(ruleAllows(resourceReq({ verb: 'list' }), named)).toBe(false);
    expect(ruleAllows(resourceReq({ verb: 'create' }), named)).toBe(false);
  });

  it('never match non-resource requests', () => {
    expect(ruleAllows({ user, verb: 'get', resourceRequest: false, path: '/api' }, rule({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }))).toBe(false);
  });
});

describe('non-resource rules', () => {
  const urlRule = (...urls: string[]): PolicyRule => ({ verbs: ['get'], nonResourceURLs: urls });
  it('match exact paths, * and prefixes ending in *', () => {
    expect(nonResourceURLMatches(urlRule('/healthz'), '/healthz')).toBe(true);
    expect(nonResourceURLMatches(urlRule('/healthz'), '/healthz/etcd')).toBe(false);
    expect(nonResourceURLMatches(urlRule('/healthz/*'), '/healthz/etcd')).toBe(true);
    expect(nonResourceURLMatches(urlRule('/apis*'), '/apis/apps/v1')).toBe(true);
    expect(nonResourceURLMatches(urlRule('*'), '/anything')).toBe(true);
    expect(nonResourceURLMatches(urlRule('/version'), '/version/')).toBe(false);
  });

  it('need the verb too, and never match resource requests', () => {
    expect(ruleAllows({ user, verb: 'post', resourceRequest: false, path: '/healthz' }, urlRule('/healthz'))).toBe(false);
    expect(ruleAllows({ user, verb: 'get', resourceRequest: false, path: '/healthz' }, urlRule('/healthz'))).toBe(true);
    expect(ruleAllows(resourceReq({ path: '/api/v1/namespaces/dev/pods' }), urlRule('*'))).toBe(false);
  });
});
