import type { ClusterRoleBinding, RoleBinding, Subject } from '../rbac/v1/role-binding';
import { ageColumn, ageOf, column, nameColumn, wideColumn, type TablePrinter } from './table-printer';

/** Users, groups and service accounts (`namespace/name`) of a binding, each kind joined by `, `. */
function subjectCells(subjects: readonly Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') serviceAccounts.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

function bindingPrinter(what: string): TablePrinter<RoleBinding | ClusterRoleBinding> {
  return {
    columns: [
      nameColumn,
      column('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.'),
      ageColumn,
      wideColumn('Users', 'string', `Users in the ${what}`),
      wideColumn('Groups', 'string', `Groups in the ${what}`),
      wideColumn('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`),
    ],
    cells(binding, now) {
      const ref = binding.roleRef;
      return [binding.metadata.name, `${ref?.kind ?? ''}/${ref?.name ?? ''}`, ageOf(binding, now), ...subjectCells(binding.subjects)];
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');
