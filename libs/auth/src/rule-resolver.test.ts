import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@skiff/api';
import { nodeAndRbacChain, rbacChain } from './authorize';
import { NodeGraph } from './node-graph';
import { staticRbacSource } from './rbac-source';
import { alwaysAllowChain } from './rule-resolver';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });
const clusterRoles: ClusterRole[] = [
  { metadata: meta('reader'), rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] },
];
const roles: Role[] = [{ metadata: meta('cm-one', 'team'), rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }] }];
const clusterRoleBindings: ClusterRoleBinding[] = [
  { metadata: meta('alice-reads'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
];
const roleBindings: RoleBinding[] = [
  { metadata: meta('alice-cm', 'team'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-one' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
  { metadata: meta('gone', 'team'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'missing' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
];
const source = staticRbacSource({ clusterRoles, roles, clusterRoleBindings, roleBindings });
const alice = { name: 'alice', groups: ['system:authenticated'] };

describe('rules for SelfSubjectRulesReview', () => {
  it('lists RBAC rules bound cluster-wide and in the namespace, split into resource and non-resource rules', () => {
    const rules = rbacChain(source).rules.rulesFor(alice, 'team');
    expect(rules.resourceRules).toEqual([
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
    ]);
    expect(rules.nonResourceRules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
    expect(rules.incomplete).toBe(false);
    expect(rules.errors).toEqual(['role.rbac.authorization.k8s.io "missing" not found']);
  });

  it('leaves out other namespaces\' RoleBindings', () => {
    expect(rbacChain(source).rules.rulesFor(alice, 'default').resourceRules).toEqual([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
  });

  it('marks a kubelet\'s rules incomplete under Node,RBAC, and nobody else\'s', () => {
    const graph = new NodeGraph({ version: () => 0, list: () => [] });
    const chain = nodeAndRbacChain(graph, source);
    const node = chain.rules.rulesFor({ name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] }, 'default');
    expect(node).toMatchObject({ incomplete: true, errors: ['node authorizer does not support user rule resolution'] });
    expect(chain.rules.rulesFor(alice, 'default').incomplete).toBe(false);
  });

  it('lists everything under AlwaysAllow, and allows everything', () => {
    expect(alwaysAllowChain.rules.rulesFor(alice, 'x')).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
      errors: [],
    });
    expect(alwaysAllowChain.authorizer.authorize({ user: alice, verb: 'delete', resourceRequest: true, resource: 'nodes' }).decision).toBe('Allow');
  });
});
