import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac-printers';
import { tablePrinterFor } from './printers';
import { ago, now } from './test-fixtures';

describe('RBAC printers', () => {
  it('prints bindings as kubectl does: NAME ROLE AGE, then USERS GROUPS SERVICEACCOUNTS with -o wide', () => {
    expect(roleBindingPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Role', 0], ['Age', 0], ['Users', 1], ['Groups', 1], ['ServiceAccounts', 1],
    ]);
    const rb = {
      metadata: { name: 'readers', namespace: 'dev', creationTimestamp: ago(120) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
      ],
    };
    expect(roleBindingPrinter.cells(rb, now)).toEqual(['readers', 'ClusterRole/view', '2m', 'alice, bob', 'devs', 'build/ci']);
  });

  it('leaves the subject cells empty for a binding without subjects', () => {
    const crb = { metadata: { name: 'system:node', creationTimestamp: ago(5) }, roleRef: { kind: 'ClusterRole', name: 'system:node' } };
    expect(clusterRoleBindingPrinter.cells(crb, now)).toEqual(['system:node', 'ClusterRole/system:node', '5s', '', '', '']);
    expect(clusterRoleBindingPrinter.columns[3].description).toBe('Users in the clusterRoleBinding');
  });

  it('serves bindings with their own columns and roles with NAME / CREATED AT', () => {
    const group = 'rbac.authorization.k8s.io';
    expect(tablePrinterFor(group, 'RoleBinding')).toBe(roleBindingPrinter);
    expect(tablePrinterFor(group, 'ClusterRoleBinding')).toBe(clusterRoleBindingPrinter);
    for (const kind of ['Role', 'ClusterRole']) expect(tablePrinterFor(group, kind).columns.map((c) => c.name)).toEqual(['Name', 'Created At']);
  });
});
