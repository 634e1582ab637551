import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@skiff/api';

/** The current objects of one RBAC kind, across all namespaces. */
export interface RbacLister<T> {
  list(): readonly T[];
  /**
   * Changes whenever an object of this kind is added, changed or removed — a watch cache's or informer's
   * resourceVersion. The authorizer re-reads and re-indexes the kind only when it moved.
   */
  version(): string | number;
}

/** Where the RBAC authorizer reads roles and bindings: the apiserver's watch caches, or fixed objects in tests. */
export interface RbacSource {
  roles: RbacLister<Role>;
  clusterRoles: RbacLister<ClusterRole>;
  roleBindings: RbacLister<RoleBinding>;
  clusterRoleBindings: RbacLister<ClusterRoleBinding>;
}

export interface RbacObjects {
  roles?: readonly Role[];
  clusterRoles?: readonly ClusterRole[];
  roleBindings?: readonly RoleBinding[];
  clusterRoleBindings?: readonly ClusterRoleBinding[];
}

/** A source over fixed objects; it never changes, so it is indexed once. */
export function staticRbacSource(objects: RbacObjects): RbacSource {
  const fixed = <T>(items: readonly T[] | undefined): RbacLister<T> => ({ list: () => items ?? [], version: () => 0 });
  return {
    roles: fixed(objects.roles),
    clusterRoles: fixed(objects.clusterRoles),
    roleBindings: fixed(objects.roleBindings),
    clusterRoleBindings: fixed(objects.clusterRoleBindings),
  };
}
