import { builtinScheme } from '../../scheme/builtin';
import { schemaErrors } from '../../schema/schema-errors';
import { validateObjectMeta } from '../../validation/object-meta';
import { clusterroles, roles, type ClusterRole, type Role } from './role';
import { clusterrolebindings, rolebindings, type ClusterRoleBinding, type RoleBinding } from './role-binding';
import { rbacV1Resources } from './index';

const group = 'rbac.authorization.k8s.io';
const role = (rules: Role['rules']): Role => ({ metadata: { name: 'pod-reader', namespace: 'dev' }, rules });
const clusterRole = (extra: Partial<ClusterRole>): ClusterRole => ({ metadata: { name: 'system:thing' }, ...extra });
const fields = (errs: { field: string; type: string; detail?: string }[]) => errs.map((e) => [e.field, e.type, e.detail ?? '']);

/** Defaults then validation, as the apiserver runs them on create. */
function createErrors<T extends RoleBinding | ClusterRoleBinding>(type: typeof rolebindings | typeof clusterrolebindings, obj: T) {
  type.applyDefaults!(obj);
  return [...schemaErrors(type.schema, obj), ...type.validate!(obj)];
}

describe('rbac.authorization.k8s.io/v1 kinds', () => {
  it('registers the four kinds with Kubernetes etcd prefixes and path-segment names', () => {
    expect(rbacV1Resources.map((r) => [r.resource, r.kind, r.namespaced, r.etcdPrefix])).toEqual([
      ['clusterrolebindings', 'ClusterRoleBinding', false, 'clusterrolebindings'],
      ['clusterroles', 'ClusterRole', false, 'clusterroles'],
      ['rolebindings', 'RoleBinding', true, 'rolebindings'],
      ['roles', 'Role', true, 'roles'],
    ]);
    for (const r of rbacV1Resources) expect(r).toMatchObject({ group, version: 'v1', nameRule: 'path-segment', shortNames: [], categories: [] });
    expect(builtinScheme.forKind(`${group}/v1`, 'ClusterRole')).toBe(clusterroles);
    expect(builtinScheme.groupVersions()).toContainEqual({ group, version: 'v1' });
  });

  it('accepts names with colons, as the system roles have, but not slashes', () => {
    expect(validateObjectMeta({ name: 'system:kube-scheduler' }, false, clusterroles.nameRule)).toEqual([]);
    expect(fields(validateObjectMeta({ name: 'a/b' }, false, clusterroles.nameRule))).toEqual([['metadata.name', 'FieldValueInvalid', "may not contain '/' or '%'"]]);
  });
});

describe('PolicyRule validation', () => {
  it('accepts resource rules with subresources and names', () => {
    const r = role([{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['web-0'] }]);
    expect(schemaErrors(roles.schema, r)).toEqual([]);
    expect(roles.validate!(r)).toEqual([]);
  });

  it('requires verbs, API groups and resources at their field paths', () => {
    expect(fields(roles.validate!(role([{ verbs: [] }])))).toEqual([
      ['rules[0].verbs', 'FieldValueRequired', 'verbs must contain at least one value'],
      ['rules[0].apiGroups', 'FieldValueRequired', 'resource rules must supply at least one api group'],
      ['rules[0].resources', 'FieldValueRequired', 'resource rules must supply at least one resource'],
    ]);
    expect(fields(schemaErrors(roles.schema, role([{ resources: ['pods'] } as never])))).toEqual([['rules[0].verbs', 'FieldValueRequired', '']]);
  });

  it('allows non-resource URLs only in cluster roles, and never beside resources', () => {
    const urls = { verbs: ['get'], nonResourceURLs: ['/healthz'] };
    expect(clusterroles.validate!(clusterRole({ rules: [urls] }))).toEqual([]);
    expect(fields(roles.validate!(role([urls])))).toEqual([['rules[0].nonResourceURLs', 'FieldValueInvalid', 'namespaced rules cannot apply to non-resource URLs']]);
    expect(fields(clusterroles.validate!(clusterRole({ rules: [{ ...urls, resources: ['pods'] }] })))).toEqual([
      ['rules[0].nonResourceURLs', 'FieldValueInvalid', 'rules cannot apply to both regular resources and non-resource URLs'],
    ]);
  });
});

describe('ClusterRole aggregation', () => {
  it('accepts label selectors and requires at least one', () => {
    const ok = clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] } });
    expect(schemaErrors(clusterroles.schema, ok)).toEqual([]);
    expect(clusterroles.validate!(ok)).toEqual([]);
    expect(fields(clusterroles.validate!(clusterRole({ aggregationRule: {} })))).toEqual([
      ['aggregationRule.clusterRoleSelectors', 'FieldValueRequired', 'at least one clusterRoleSelector required if aggregationRule is non-nil'],
    ]);
  });

  it('reports a bad selector at its index', () => {
    const bad = clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }, { matchExpressions: [{ key: 'a', operator: 'Has' }] }] } });
    expect(fields(clusterroles.validate!(bad))).toEqual([['aggregationRule.clusterRoleSelectors[1].matchExpressions[0].operator', 'FieldValueInvalid', 'not a valid selector operator']]);
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  const rb = (extra: Partial<RoleBinding> = {}): RoleBinding => ({
    metadata: { name: 'read-pods', namespace: 'dev' },
    roleRef: { kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'ci' }],
    ...extra,
  });

  it('defaults the role reference and user/group subjects to the RBAC group, service accounts to core', () => {
    const b = rb();
    expect(createErrors(rolebindings, b)).toEqual([]);
    expect(b.roleRef.apiGroup).toBe(group);
    expect(b.subjects!.map((s) => s.apiGroup)).toEqual([group, group, undefined]);
  });

  it('rejects unknown subject kinds and wrong subject API groups', () => {
    const b = rb({ subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'User', name: 'u', apiGroup: 'example.com' }, { kind: 'ServiceAccount', name: 'sa', apiGroup: group }] });
    expect(fields(createErrors(rolebindings, b))).toEqual([
      ['subjects[0].kind', 'FieldValueNotSupported', 'supported values: "ServiceAccount", "User", "Group"'],
      ['subjects[1].apiGroup', 'FieldValueNotSupported', `supported values: "${group}"`],
      ['subjects[2].apiGroup', 'FieldValueNotSupported', 'supported values: ""'],
    ]);
  });

  it('checks service account names, and requires their namespace in a ClusterRoleBinding', () => {
    expect(fields(createErrors(rolebindings, rb({ subjects: [{ kind: 'ServiceAccount', name: 'Bad_Name' }] })))[0]).toEqual([
      'subjects[0].name', 'FieldValueInvalid', expect.stringContaining('RFC 1123 subdomain'),
    ]);
    const crb: ClusterRoleBinding = { metadata: { name: 'ci' }, roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'ServiceAccount', name: 'ci' }] };
    expect(fields(createErrors(clusterrolebindings, crb))).toEqual([['subjects[0].namespace', 'FieldValueRequired', '']]);
  });

  it('requires a name on each subject', () => {
    expect(fields(createErrors(rolebindings, rb({ subjects: [{ kind: 'Group', name: '' }] })))).toEqual([['subjects[0].name', 'FieldValueRequired', '']]);
  });

  it('lets a RoleBinding refer to a Role or ClusterRole, a ClusterRoleBinding only to a ClusterRole', () => {
    expect(createErrors(rolebindings, rb({ roleRef: { kind: 'ClusterRole', name: 'view' } }))).toEqual([]);
    const crb: ClusterRoleBinding = { metadata: { name: 'x' }, roleRef: { kind: 'Role', name: 'pod-reader' } };
    expect(fields(createErrors(clusterrolebindings, crb))).toEqual([['roleRef.kind', 'FieldValueNotSupported', 'supported values: "ClusterRole"']]);
  });

  it('checks the role reference group and name', () => {
    const b = rb({ roleRef: { apiGroup: 'example.com', kind: 'Role', name: '' } });
    expect(fields(createErrors(rolebindings, b))).toEqual([
      ['roleRef.apiGroup', 'FieldValueNotSupported', `supported values: "${group}"`],
      ['roleRef.name', 'FieldValueRequired', ''],
    ]);
    expect(fields(schemaErrors(rolebindings.schema, { metadata: { name: 'x', namespace: 'dev' } }))).toEqual([['roleRef', 'FieldValueRequired', '']]);
  });

  it('keeps roleRef immutable on update, subjects may change', () => {
    const old = rb();
    rolebindings.applyDefaults!(old);
    const more = rb({ subjects: [{ kind: 'User', name: 'carol' }] });
    rolebindings.applyDefaults!(more);
    expect(rolebindings.validateUpdate!(more, old)).toEqual([]);
    const changed = rb({ roleRef: { apiGroup: group, kind: 'ClusterRole', name: 'admin' } });
    expect(fields(rolebindings.validateUpdate!(changed, old))).toEqual([['roleRef', 'FieldValueInvalid', 'cannot change roleRef']]);
    const crbOld: ClusterRoleBinding = { metadata: { name: 'x' }, roleRef: { apiGroup: group, kind: 'ClusterRole', name: 'view' } };
    expect(fields(clusterrolebindings.validateUpdate!({ ...crbOld, roleRef: { ...crbOld.roleRef, name: 'edit' } }, crbOld))).toEqual([['roleRef', 'FieldValueInvalid', 'cannot change roleRef']]);
  });
});
