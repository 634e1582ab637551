import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '@skiff/api';
import { authorize } from './authorize';
import { RbacAuthorizer } from './rbac-authorizer';
import { staticRbacSource, type RbacObjects } from './rbac-source';
import type { RequestAttributes } from './request-attributes';
import { serviceAccountGroups, serviceAccountUserName, type UserInfo } from './user';

const group = 'rbac.authorization.k8s.io';
const podReader: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };
const role = (namespace: string, name: string, rules: PolicyRule[]): Role => ({ metadata: { namespace, name }, rules });
const clusterRole = (name: string, rules: PolicyRule[]): ClusterRole => ({ metadata: { name }, rules });
const user = (name: string): Subject => ({ apiGroup: group, kind: 'User', name });
const grp = (name: string): Subject => ({ apiGroup: group, kind: 'Group', name });
const sa = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });
const roleBinding = (namespace: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]): RoleBinding => ({
  metadata: { namespace, name },
  roleRef: { apiGroup: group, ...ref },
  subjects,
});
const clusterRoleBinding = (name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding => ({
  metadata: { name },
  roleRef: { apiGroup: group, kind: 'ClusterRole', name: roleName },
  subjects,
});

const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const get = (u: UserInfo, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user: u,
  verb: 'get',
  resourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource: 'pods',
  namespace: 'dev',
  name: 'web',
  ...extra,
});
const allowed = (objects: RbacObjects, attrs: RequestAttributes) => authorize(attrs, staticRbacSource(objects)).allowed;

describe('RoleBinding to a Role', () => {
  const objects = { roles: [role('dev', 'pod-reader', [podReader])], roleBindings: [roleBinding('dev', 'read-pods', { kind: 'Role', name: 'pod-reader' }, [user('alice')])] };

  it('grants the role in its namespace only', () => {
    expect(allowed(objects, get(alice))).toBe(true);
    expect(allowed(objects, get(alice, { verb: 'list', name: undefined }))).toBe(true);
    expect(allowed(objects, get(alice, { namespace: 'prod' }))).toBe(false);
    expect(allowed(objects, get(alice, { namespace: undefined, verb: 'list', name: undefined }))).toBe(false);
  });

  it('grants only what the rules say, to only its subjects', () => {
    expect(allowed(objects, get(alice, { verb: 'delete' }))).toBe(false);
    expect(allowed(objects, get(alice, { resource: 'secrets' }))).toBe(false);
    expect(allowed(objects, get({ name: 'bob', groups: ['system:authenticated'] }))).toBe(false);
  });

  it('finds the Role in the binding namespace, not a same-named Role elsewhere', () => {
    const elsewhere = { roles: [role('prod', 'pod-reader', [podReader])], roleBindings: objects.roleBindings };
    const result = authorize(get(alice), staticRbacSource(elsewhere));
    expect(result).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "pod-reader" not found' });
  });

  it('explains an allow with the binding, role and subject', () => {
    expect(new RbacAuthorizer(staticRbacSource(objects)).authorize(get(alice))).toEqual({
      decision: 'Allow',
      reason: 'RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "alice"',
    });
  });
});

describe('RoleBinding to a ClusterRole', () => {
  it('grants the cluster role within the binding namespace only, never cluster-scoped objects', () => {
    const objects = {
      clusterRoles: [clusterRole('reader', [podReader, { verbs: ['get'], apiGroups: [''], resources: ['nodes'] }])],
      roleBindings: [roleBinding('dev', 'readers', { kind: 'ClusterRole', name: 'reader' }, [grp('devs')])],
    };
    const dev = { name: 'carol', groups: ['devs'] };
    expect(allowed(objects, get(dev))).toBe(true);
    expect(allowed(objects, get(dev, { namespace: 'prod' }))).toBe(false);
    expect(allowed(objects, get(dev, { resource: 'nodes', namespace: undefined, name: 'n1' }))).toBe(false);
  });
});

describe('ClusterRoleBinding', () => {
  const objects = { clusterRoles: [clusterRole('reader', [podReader])], clusterRoleBindings: [clusterRoleBinding('read-all', 'reader', [grp('auditors')])] };
  const auditor = { name: 'dave', groups: ['auditors', 'system:authenticated'] };

  it('grants everywhere: every namespace, across namespaces and cluster-scoped', () => {
    expect(allowed(objects, get(auditor))).toBe(true);
    expect(allowed(objects, get(auditor, { namespace: 'kube-system' }))).toBe(true);
    expect(allowed(objects, get(auditor, { verb: 'list', namespace: undefined, name: undefined }))).toBe(true);
  });

  it('names the binding and the group in the reason', () => {
    expect(authorize(get(auditor), staticRbacSource(objects)).reason).toBe('RBAC: allowed by ClusterRoleBinding "read-all" of ClusterRole "reader" to Group "auditors"');
  });

  it('reports a missing ClusterRole as the reason, and still lets another binding allow', () => {
    const broken = { ...objects, clusterRoleBindings: [clusterRoleBinding('a-broken', 'gone', [grp('auditors')])] };
    expect(authorize(get(auditor), staticRbacSource(broken))).toEqual({ allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found' });
    const both = { ...objects, clusterRoleBindings: [...broken.clusterRoleBindings, ...objects.clusterRoleBindings] };
    expect(allowed(both, get(auditor))).toBe(true);
    const twoMissing = { clusterRoleBindings: [clusterRoleBinding('x', 'gone', [grp('auditors')]), clusterRoleBinding('y', 'lost', [grp('auditors')])] };
    expect(authorize(get(auditor), staticRbacSource(twoMissing)).reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, clusterrole.rbac.authorization.k8s.io "lost" not found]',
    );
  });

  it('has no reason at all when nothing applies', () => {
    expect(authorize(get(alice), staticRbacSource(objects))).toEqual({ allowed: false, reason: '' });
  });
});

describe('resourceNames and subresources', () => {
  const objects = {
    roles: [
      role('dev', 'one-config', [{ verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }]),
      role('dev', 'logs', [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }]),
    ],
    roleBindings: [
      roleBinding('dev', 'one-config', { kind: 'Role', name: 'one-config' }, [user('alice')]),
      roleBinding('dev', 'logs', { kind: 'Role', name: 'logs' }, [user('alice')]),
    ],
  };

  it('lets a user read and update only the named object, and not list', () => {
    expect(allowed(objects, get(alice, { resource: 'configmaps', name: 'settings' }))).toBe(true);
    expect(allowed(objects, get(alice, { resource: 'configmaps', name: 'settings', verb: 'update' }))).toBe(true);
    expect(allowed(objects, get(alice, { resource: 'configmaps', name: 'other' }))).toBe(false);
    expect(allowed(objects, get(alice, { resource: 'configmaps', name: undefined, verb: 'list' }))).toBe(false);
  });

  it('lets a user read a pod log without reading the pod', () => {
    expect(allowed(objects, get(alice, { subresource: 'log' }))).toBe(true);
    expect(allowed(objects, get(alice))).toBe(false);
    expect(allowed(objects, get(alice, { subresource: 'exec', verb: 'create' }))).toBe(false);
  });
});

describe('wildcards', () => {
  it('lets * cover every verb, group and resource, and */scale any scale subresource', () => {
    const objects = {
      clusterRoles: [clusterRole('all-apps', [{ verbs: ['*'], apiGroups: ['apps'], resources: ['*'] }]), clusterRole('scaler', [{ verbs: ['get', 'update'], apiGroups: ['*'], resources: ['*/scale'] }])],
      clusterRoleBindings: [clusterRoleBinding('apps', 'all-apps', [user('alice')]), clusterRoleBinding('scale', 'scaler', [user('bob')])],
    };
    expect(allowed(objects, get(alice, { apiGroup: 'apps', resource: 'deployments', verb: 'deletecollection', name: undefined }))).toBe(true);
    expect(allowed(objects, get(alice, { apiGroup: 'apps', resource: 'deployments', subresource: 'scale', verb: 'patch' }))).toBe(true);
    expect(allowed(objects, get(alice, { apiGroup: 'batch', resource: 'jobs' }))).toBe(false);
    const bob = { name: 'bob', groups: [] };
    expect(allowed(objects, get(bob, { apiGroup: 'apps', resource: 'statefulsets', subresource: 'scale', verb: 'update' }))).toBe(true);
    expect(allowed(objects, get(bob, { apiGroup: 'apps', resource: 'statefulsets', verb: 'update' }))).toBe(false);
  });
});

describe('non-resource URLs', () => {
  const objects = {
    clusterRoles: [clusterRole('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/healthz/*', '/version'] }])],
    clusterRoleBindings: [clusterRoleBinding('health', 'health', [grp('system:unauthenticated')])],
  };
  const anonymous = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const path = (p: string, verb = 'get'): RequestAttributes => ({ user: anonymous, verb, resourceRequest: false, path: p });

  it('are granted by ClusterRoleBindings, exactly or under a * prefix', () => {
    expect(allowed(objects, path('/healthz'))).toBe(true);
    expect(allowed(objects, path('/healthz/etcd'))).toBe(true);
    expect(allowed(objects, path('/version'))).toBe(true);
    expect(allowed(objects, path('/metrics'))).toBe(false);
    expect(allowed(objects, path('/healthz', 'post'))).toBe(false);
  });

  it('are never granted by a RoleBinding, which only applies to requests in its namespace', () => {
    const viaRoleBinding = { clusterRoles: objects.clusterRoles, roleBindings: [roleBinding('dev', 'health', { kind: 'ClusterRole', name: 'health' }, [grp('system:unauthenticated')])] };
    expect(allowed(viaRoleBinding, path('/healthz'))).toBe(false);
  });
});

describe('service accounts', () => {
  const ci: UserInfo = { name: serviceAccountUserName('dev', 'ci'), groups: [...serviceAccountGroups('dev'), 'system:authenticated'] };
  const reader = [clusterRole('reader', [podReader])];

  it('match a subject without namespace in a RoleBinding against the binding namespace', () => {
    const objects = { clusterRoles: reader, roleBindings: [roleBinding('dev', 'ci', { kind: 'ClusterRole', name: 'reader' }, [sa('ci')])] };
    expect(allowed(objects, get(ci))).toBe(true);
    const other: UserInfo = { name: serviceAccountUserName('prod', 'ci'), groups: serviceAccountGroups('prod') };
    expect(allowed(objects, get(other))).toBe(false);
    expect(authorize(get(ci), staticRbacSource(objects)).reason).toBe('RBAC: allowed by RoleBinding "ci/dev" of ClusterRole "reader" to ServiceAccount "ci/dev"');
  });

  it('match a subject in another namespace by its own namespace', () => {
    const objects = { clusterRoles: reader, roleBindings: [roleBinding('prod', 'ci', { kind: 'ClusterRole', name: 'reader' }, [sa('ci', 'dev')])] };
    expect(allowed(objects, get(ci, { namespace: 'prod' }))).toBe(true);
    expect(allowed(objects, get(ci, { namespace: 'dev' }))).toBe(false);
  });

  it('never match a namespace-less subject in a ClusterRoleBinding', () => {
    expect(allowed({ clusterRoles: reader, clusterRoleBindings: [clusterRoleBinding('ci', 'reader', [sa('ci')])] }, get(ci))).toBe(false);
    expect(allowed({ clusterRoles: reader, clusterRoleBindings: [clusterRoleBinding('ci', 'reader', [sa('ci', 'dev')])] }, get(ci))).toBe(true);
  });

  it('are granted through system:serviceaccounts and system:serviceaccounts:<namespace>', () => {
    const all = { clusterRoles: reader, clusterRoleBindings: [clusterRoleBinding('sas', 'reader', [grp('system:serviceaccounts')])] };
    expect(allowed(all, get(ci))).toBe(true);
    const devOnly = { clusterRoles: reader, clusterRoleBindings: [clusterRoleBinding('dev-sas', 'reader', [grp('system:serviceaccounts:dev')])] };
    expect(allowed(devOnly, get(ci))).toBe(true);
    expect(allowed(devOnly, get({ name: serviceAccountUserName('prod', 'x'), groups: serviceAccountGroups('prod') }))).toBe(false);
  });

  it('do not match a user who merely has the service account name', () => {
    const objects = { clusterRoles: reader, roleBindings: [roleBinding('dev', 'ci', { kind: 'ClusterRole', name: 'reader' }, [sa('ci')])] };
    expect(allowed(objects, get({ name: 'ci', groups: [] }))).toBe(false);
  });
});

describe('system:masters', () => {
  it('is allowed everything with no RBAC objects at all, by the privileged-groups authorizer', () => {
    const admin = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
    const empty = staticRbacSource({});
    expect(authorize(get(admin, { verb: 'delete', resource: 'secrets' }), empty)).toEqual({ allowed: true, reason: '' });
    expect(authorize({ user: admin, verb: 'post', resourceRequest: false, path: '/anything' }, empty).allowed).toBe(true);
    expect(new RbacAuthorizer(empty).authorize(get(admin)).decision).toBe('NoOpinion');
  });
});
