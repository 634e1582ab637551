import { rbacGroupName, type ClusterRole, type ClusterRoleBinding, type Role, type RoleBinding } from '@skiff/api';
import type { RbacLister, RbacSource } from '@skiff/auth';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { objectOf } from '../storage/watch-cache';

/** The RBAC authorizer's view of roles and bindings: the apiserver's own watch caches, re-read when they move. */
export function rbacSourceFromCaches(ctx: ApiContext): RbacSource {
  const lister = <T>(resource: string): RbacLister<T> => {
    const cache = registryByName(ctx, rbacGroupName, 'v1', resource).cache;
    let memo: { revision: number; items: T[] } | undefined;
    return {
      version: () => cache.revision,
      list: () => {
        if (memo?.revision !== cache.revision) memo = { revision: cache.revision, items: cache.list().map((c) => objectOf(c) as unknown as T) };
        return memo.items;
      },
    };
  };
  return {
    roles: lister<Role>('roles'),
    clusterRoles: lister<ClusterRole>('clusterroles'),
    roleBindings: lister<RoleBinding>('rolebindings'),
    clusterRoleBindings: lister<ClusterRoleBinding>('clusterrolebindings'),
  };
}
