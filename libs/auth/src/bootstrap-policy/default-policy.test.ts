import { builtinResources, clusterrolebindings, clusterroles, rolebindings, roles, schemaErrors, validateObjectMeta, type KObject, type ResourceType } from '@skiff/api';
import { authorize } from '../authorize';
import { staticRbacSource } from '../rbac-source';
import type { RequestAttributes } from '../request-attributes';
import { rulesAllow } from '../rule-matching';
import { serviceAccountGroups, serviceAccountUserName, type UserInfo } from '../user';
import { defaultClusterRoleBindings, defaultClusterRoles, defaultRoleBindings, defaultRoles } from './default-policy';

const authenticated = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const scheduler = authenticated('system:kube-scheduler');
const controllerManager = authenticated('system:kube-controller-manager');
const proxy = authenticated('system:kube-proxy');
const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

/** `verb group/resource[/subresource] [namespace/]name` in one line, the way the table below reads. */
type Op = [verb: string, group: string, resource: string, namespace?: string, name?: string];
function attrs(user: UserInfo, [verb, group, resource, namespace, name]: Op): RequestAttributes {
  const [res, subresource] = resource.split('/');
  return { user, verb, resourceRequest: true, apiGroup: group, resource: res, subresource, namespace, name };
}
const path = (user: UserInfo, p: string, verb = 'get'): RequestAttributes => ({ user, verb, resourceRequest: false, path: p });

function source(extra: { roleBindings?: ReturnType<typeof defaultRoleBindings> } = {}) {
  return staticRbacSource({
    clusterRoles: defaultClusterRoles(),
    clusterRoleBindings: defaultClusterRoleBindings(),
    roles: defaultRoles(),
    roleBindings: [...defaultRoleBindings(), ...(extra.roleBindings ?? [])],
  });
}
const policy = source();
const can = (a: RequestAttributes, s = policy) => authorize(a, s).allowed;
const denied = (user: UserInfo, ops: Op[], s = policy) => ops.filter((op) => can(attrs(user, op), s));
const missing = (user: UserInfo, ops: Op[], s = policy) => ops.filter((op) => !can(attrs(user, op), s));

describe('the default policy objects', () => {
  it('are valid objects of their kinds, as the apiserver would store them', () => {
    const check = (type: ResourceType<any>, objs: KObject[]) => {
      for (const obj of objs) {
        const copy = structuredClone(obj);
        type.applyDefaults?.(copy);
        const errs = [...validateObjectMeta(copy.metadata, type.namespaced, type.nameRule), ...schemaErrors(type.schema, copy), ...(type.validate?.(copy) ?? [])];
        expect({ name: obj.metadata.name, errs }).toEqual({ name: obj.metadata.name, errs: [] });
      }
    };
    check(clusterroles, defaultClusterRoles());
    check(clusterrolebindings, defaultClusterRoleBindings());
    check(roles, defaultRoles());
    check(rolebindings, defaultRoleBindings());
  });

  it('bind every default ClusterRole that is meant to be held, and refer only to roles that exist', () => {
    const names = new Set(defaultClusterRoles().map((r) => r.metadata.name));
    for (const b of defaultClusterRoleBindings()) expect(names).toContain(b.roleRef.name);
    expect(defaultClusterRoleBindings().find((b) => b.metadata.name === 'system:node')!.subjects).toBeUndefined();
    for (const obj of [...defaultClusterRoles(), ...defaultClusterRoleBindings()]) expect(obj.metadata.labels).toMatchObject({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
  });

  it('fills admin, edit and view by aggregation, each a superset of the next', () => {
    const byName = new Map(defaultClusterRoles().map((r) => [r.metadata.name, r]));
    for (const name of ['admin', 'edit', 'view']) expect(byName.get(name)!.aggregationRule?.clusterRoleSelectors).toHaveLength(1);
    const rules = (name: string) => byName.get(name)!.rules!.map((r) => JSON.stringify(r));
    expect(rules('edit')).toEqual(expect.arrayContaining(rules('view')));
    expect(rules('admin')).toEqual(expect.arrayContaining(rules('edit')));
    expect(rules('admin').length).toBeGreaterThan(rules('edit').length);
  });
});

describe('the scheduler', () => {
  const does: Op[] = [
    ['list', '', 'pods'], ['watch', '', 'pods'], ['list', '', 'nodes'], ['watch', '', 'nodes'], ['list', '', 'namespaces'], ['watch', '', 'namespaces'],
    ['list', 'policy', 'poddisruptionbudgets'], ['watch', 'policy', 'poddisruptionbudgets'],
    ['create', '', 'pods/binding', 'default', 'web-0'], ['patch', '', 'pods/status', 'default', 'web-0'], ['delete', '', 'pods', 'default', 'victim'],
    ['create', '', 'events', 'default'], ['patch', '', 'events', 'default', 'web-0.17a'],
    ['get', 'coordination.k8s.io', 'leases', 'kube-system', 'kube-scheduler'], ['create', 'coordination.k8s.io', 'leases', 'kube-system'],
    ['update', 'coordination.k8s.io', 'leases', 'kube-system', 'kube-scheduler'],
  ];
  it('may do everything it does', () => expect(missing(scheduler, does)).toEqual([]));
  it('may not read secrets, take another lease or change pods', () => {
    expect(denied(scheduler, [['get', '', 'secrets', 'default', 's'], ['update', 'coordination.k8s.io', 'leases', 'kube-system', 'kube-controller-manager'], ['update', '', 'pods', 'default', 'web-0'], ['create', '', 'pods', 'default']])).toEqual([]);
  });
});

describe('the controller-manager', () => {
  const everyKind: Op[] = builtinResources.flatMap((t): Op[] => [
    ['list', t.group, t.resource], ['watch', t.group, t.resource],
    ['get', t.group, t.resource, t.namespaced ? 'dev' : undefined, 'owner'],
    ['patch', t.group, t.resource, t.namespaced ? 'dev' : undefined, 'dependent'],
    ['delete', t.group, t.resource, t.namespaced ? 'dev' : undefined, 'dependent'],
    ...(t.namespaced ? ([['deletecollection', t.group, t.resource, 'terminating']] as Op[]) : []),
  ]);
  const writes: Op[] = [
    ['create', '', 'pods', 'dev'], ['delete', '', 'pods', 'dev', 'web-0'], ['patch', '', 'pods', 'dev', 'web-0'], ['patch', '', 'pods/status', 'dev', 'web-0'],
    ['create', 'apps', 'replicasets', 'dev'], ['update', 'apps', 'replicasets', 'dev', 'web-1'], ['patch', 'apps', 'replicasets/status', 'dev', 'web-1'], ['update', 'apps', 'replicasets/status', 'dev', 'web-1'],
    ['patch', 'apps', 'deployments', 'dev', 'web'], ['patch', 'apps', 'deployments/status', 'dev', 'web'],
    ['update', 'apps', 'daemonsets/status', 'dev', 'agent'], ['update', 'apps', 'statefulsets/status', 'dev', 'db'],
    ['create', 'apps', 'controllerrevisions', 'dev'], ['delete', 'apps', 'controllerrevisions', 'dev', 'db-1'],
    ['create', 'batch', 'jobs', 'dev'], ['patch', 'batch', 'jobs/status', 'dev', 'j'], ['delete', 'batch', 'jobs', 'dev', 'j'], ['patch', 'batch', 'cronjobs/status', 'dev', 'c'],
    ['update', 'policy', 'poddisruptionbudgets/status', 'dev', 'pdb'],
    ['create', '', 'endpoints', 'dev'], ['update', '', 'endpoints', 'dev', 'svc'], ['delete', '', 'endpoints', 'dev', 'svc'],
    ['create', 'discovery.k8s.io', 'endpointslices', 'dev'], ['update', 'discovery.k8s.io', 'endpointslices', 'dev', 'svc-abc'],
    ['create', '', 'serviceaccounts', 'dev'], ['create', '', 'persistentvolumeclaims', 'dev'],
    ['create', '', 'configmaps', 'dev'], ['update', '', 'configmaps', 'dev', 'kube-root-ca.crt'],
    ['update', '', 'namespaces/finalize', undefined, 'dev'], ['update', '', 'namespaces/status', undefined, 'dev'],
    ['patch', '', 'nodes', undefined, 'n1'], ['patch', '', 'nodes/status', undefined, 'n1'],
    ['create', '', 'events', 'dev'], ['patch', '', 'events', 'dev', 'e'],
    ['get', 'coordination.k8s.io', 'leases', 'kube-system', 'kube-controller-manager'], ['create', 'coordination.k8s.io', 'leases', 'kube-system'],
    ['update', 'coordination.k8s.io', 'leases', 'kube-system', 'kube-controller-manager'],
  ];
  it('may watch, read, orphan, delete and empty every kind', () => expect(missing(controllerManager, everyKind)).toEqual([]));
  it('may write what its controllers write', () => expect(missing(controllerManager, writes)).toEqual([]));
  it('may not grant itself more, nor create what no controller creates', () => {
    const escalations: Op[] = [['create', 'rbac.authorization.k8s.io', 'clusterrolebindings'], ['create', 'rbac.authorization.k8s.io', 'rolebindings', 'dev'], ['create', '', 'nodes'], ['create', '', 'services', 'dev']];
    expect(denied(controllerManager, escalations)).toEqual([]);
  });
});

describe('the service proxy', () => {
  it('may watch Services and EndpointSlices and write events', () => {
    expect(missing(proxy, [['list', '', 'services'], ['watch', '', 'services'], ['list', 'discovery.k8s.io', 'endpointslices'], ['watch', 'discovery.k8s.io', 'endpointslices'], ['get', '', 'nodes', undefined, 'n1'], ['create', '', 'events', 'default']])).toEqual([]);
  });
  it('may not read pods or secrets', () => {
    expect(denied(proxy, [['list', '', 'pods'], ['get', '', 'secrets', 'default', 's']])).toEqual([]);
  });
});

describe('system:node', () => {
  const nodeRole = defaultClusterRoles().find((r) => r.metadata.name === 'system:node')!;
  const kubelet = authenticated('system:node:n1', 'system:nodes');
  const does: Op[] = [
    ['create', '', 'nodes'], ['get', '', 'nodes', undefined, 'n1'], ['patch', '', 'nodes', undefined, 'n1'], ['patch', '', 'nodes/status', undefined, 'n1'],
    ['list', '', 'nodes'], ['watch', '', 'nodes'], ['list', '', 'pods'], ['watch', '', 'pods'], ['list', '', 'services'], ['watch', '', 'services'],
    ['create', '', 'pods', 'kube-system'], ['delete', '', 'pods', 'kube-system', 'etcd-n1'], ['patch', '', 'pods/status', 'default', 'web-0'],
    ['get', '', 'secrets', 'default', 's'], ['get', '', 'configmaps', 'default', 'c'],
    ['get', 'coordination.k8s.io', 'leases', 'kube-node-lease', 'n1'], ['create', 'coordination.k8s.io', 'leases', 'kube-node-lease'], ['update', 'coordination.k8s.io', 'leases', 'kube-node-lease', 'n1'],
    ['create', '', 'events', 'default'], ['patch', '', 'events', 'default', 'e'],
  ];
  it('holds every right a kubelet uses', () => {
    expect(does.filter((op) => !rulesAllow(attrs(kubelet, op), nodeRole.rules))).toEqual([]);
  });
  it('is granted to nobody by RBAC: nodes wait for the Node authorizer', () => {
    expect(missing(kubelet, does)).toEqual(does);
  });
});

describe('anonymous and authenticated users', () => {
  it('let anyone read health, version and kube-public/cluster-info, nothing else', () => {
    for (const p of ['/version', '/healthz', '/livez', '/readyz']) expect(can(path(anonymous, p))).toBe(true);
    for (const p of ['/api', '/apis', '/metrics', '/openapi/v2', '/healthz/etcd']) expect(can(path(anonymous, p))).toBe(false);
    expect(can(path(anonymous, '/healthz', 'post'))).toBe(false);
    expect(missing(anonymous, [['get', '', 'configmaps', 'kube-public', 'cluster-info']])).toEqual([]);
    expect(denied(anonymous, [['list', '', 'configmaps', 'kube-public'], ['get', '', 'configmaps', 'kube-public', 'other'], ['get', '', 'configmaps', 'kube-system', 'cluster-info'], ['list', '', 'pods', 'default']])).toEqual([]);
  });

  it('let signed-in users discover the API and ask what they may do, nothing more', () => {
    const someone = authenticated('someone');
    for (const p of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/openapi/v2', '/openapi/v3/apis/apps/v1', '/version']) expect(can(path(someone, p))).toBe(true);
    expect(can(path(someone, '/metrics'))).toBe(false);
    expect(missing(someone, [['create', 'authorization.k8s.io', 'selfsubjectaccessreviews'], ['get', '', 'configmaps', 'kube-public', 'cluster-info']])).toEqual([]);
    expect(denied(someone, [['list', '', 'pods', 'default'], ['list', '', 'namespaces']])).toEqual([]);
  });

  it('give service accounts the issuer discovery documents', () => {
    const sa = { name: serviceAccountUserName('dev', 'ci'), groups: [...serviceAccountGroups('dev'), 'system:authenticated'] };
    expect(can(path(sa, '/.well-known/openid-configuration'))).toBe(true);
    expect(can(path(sa, '/openid/v1/jwks'))).toBe(true);
  });

  it('let system:masters do anything through cluster-admin as well', () => {
    const admin = authenticated('kubernetes-admin', 'system:masters');
    expect(can(attrs(admin, ['delete', 'rbac.authorization.k8s.io', 'clusterroles', undefined, 'view']))).toBe(true);
  });
});

describe('view, edit and admin granted in a namespace', () => {
  const binding = (user: string, role: string) => ({
    metadata: { name: `${user}-${role}`, namespace: 'dev' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
  const s = source({ roleBindings: [binding('vic', 'view'), binding('ed', 'edit'), binding('ada', 'admin')] });
  const [vic, ed, ada] = ['vic', 'ed', 'ada'].map((n) => authenticated(n));

  it('view reads workloads and logs but no secrets, and writes nothing', () => {
    expect(missing(vic, [['get', '', 'pods', 'dev', 'web'], ['list', 'apps', 'deployments', 'dev'], ['get', '', 'pods/log', 'dev', 'web'], ['watch', 'batch', 'jobs', 'dev']], s)).toEqual([]);
    expect(denied(vic, [['get', '', 'secrets', 'dev', 's'], ['list', '', 'secrets', 'dev'], ['create', '', 'pods', 'dev'], ['create', '', 'pods/exec', 'dev', 'web'], ['list', '', 'pods', 'prod']], s)).toEqual([]);
  });

  it('edit changes workloads, reads secrets and execs, but cannot grant access', () => {
    expect(missing(ed, [['create', 'apps', 'deployments', 'dev'], ['patch', 'apps', 'deployments/scale', 'dev', 'web'], ['get', '', 'secrets', 'dev', 's'], ['create', '', 'pods/exec', 'dev', 'web'], ['get', '', 'pods', 'dev', 'web']], s)).toEqual([]);
    expect(denied(ed, [['create', 'rbac.authorization.k8s.io', 'rolebindings', 'dev'], ['update', '', 'endpoints', 'dev', 'svc'], ['patch', '', 'pods/status', 'dev', 'web']], s)).toEqual([]);
  });

  it('admin also manages roles and bindings in the namespace, but nothing cluster-scoped', () => {
    expect(missing(ada, [['create', 'rbac.authorization.k8s.io', 'rolebindings', 'dev'], ['delete', 'rbac.authorization.k8s.io', 'roles', 'dev', 'r'], ['create', 'apps', 'deployments', 'dev']], s)).toEqual([]);
    expect(denied(ada, [['create', 'rbac.authorization.k8s.io', 'clusterrolebindings'], ['list', '', 'nodes'], ['delete', '', 'namespaces', undefined, 'dev']], s)).toEqual([]);
  });
});

describe("the apiserver's kubelet client", () => {
  const kubeletClient = authenticated('kube-apiserver-kubelet-client');
  const kubeletApi: Op[] = [
    ['get', '', 'nodes/proxy', undefined, 'n1'], ['create', '', 'nodes/proxy', undefined, 'n1'], ['get', '', 'nodes/stats', undefined, 'n1'],
    ['get', '', 'nodes/metrics', undefined, 'n1'], ['get', '', 'nodes/log', undefined, 'n1'], ['get', '', 'nodes', undefined, 'n1'], ['list', '', 'nodes'],
  ];
  it('may use the whole kubelet API, which the kubelets\' Webhook authorization asks about', () => expect(missing(kubeletClient, kubeletApi)).toEqual([]));
  it('may not change nodes or read anything else', () => {
    expect(denied(kubeletClient, [['update', '', 'nodes', undefined, 'n1'], ['get', '', 'secrets', 'default', 's'], ['get', '', 'pods', 'default', 'p']])).toEqual([]);
  });
  it('is the only one: other users, anonymous included, get no kubelet API', () => {
    expect(denied(authenticated('alice'), kubeletApi)).toEqual([]);
    expect(denied(anonymous, kubeletApi)).toEqual([]);
  });
});
