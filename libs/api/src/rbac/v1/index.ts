import type { ResourceType } from '../../scheme/resource-type';
import { clusterroles, roles } from './role';
import { clusterrolebindings, rolebindings } from './role-binding';

export * from './policy-rule';
export * from './role';
export * from './role-binding';

/** rbac.authorization.k8s.io/v1 resources in discovery order (Kubernetes lists them alphabetically). */
export const rbacV1Resources: ResourceType<any>[] = [clusterrolebindings, clusterroles, rolebindings, roles];
