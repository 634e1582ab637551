import { rbacGroupName, type ClusterRole, type ClusterRoleBinding, type PolicyRule, type Subject } from '@skiff/api';

export const read = ['get', 'list', 'watch'];
export const readWrite = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
/** edit's writes: everything but reading, which view grants. */
export const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
export const eventWrite = ['create', 'update', 'patch'];

/** Every default role and binding carries these, as Kubernetes' bootstrap policy does. */
export const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
export const autoUpdateAnnotation = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } as const;

/** A resource rule: `verbs` on `resources` of `groups`, optionally only the named objects. */
export function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[], names?: readonly string[]): PolicyRule {
  return { verbs: [...verbs], apiGroups: [...groups], resources: [...resources], ...(names ? { resourceNames: [...names] } : {}) };
}

/** A non-resource rule: `verbs` on URL paths. */
export function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { verbs: [...verbs], nonResourceURLs: [...paths] };
}

/** Events are written through both the core and the events.k8s.io API. */
export function eventsRule(): PolicyRule[] {
  return [rule(eventWrite, [''], ['events']), rule(eventWrite, ['events.k8s.io'], ['events'])];
}

export function clusterRole(name: string, rules: PolicyRule[], extra: Partial<ClusterRole> = {}): ClusterRole {
  const { metadata, ...rest } = extra;
  return {
    apiVersion: `${rbacGroupName}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...bootstrapLabels, ...metadata?.labels }, annotations: { ...autoUpdateAnnotation } },
    rules,
    ...rest,
  };
}

export const users = (...names: string[]): Subject[] => names.map((name) => ({ apiGroup: rbacGroupName, kind: 'User', name }));
export const groups = (...names: string[]): Subject[] => names.map((name) => ({ apiGroup: rbacGroupName, kind: 'Group', name }));

/** A ClusterRoleBinding named like the ClusterRole it grants. */
export function clusterRoleBinding(roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: `${rbacGroupName}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: roleName, labels: { ...bootstrapLabels }, annotations: { ...autoUpdateAnnotation } },
    roleRef: { apiGroup: rbacGroupName, kind: 'ClusterRole', name: roleName },
    ...(subjects.length ? { subjects } : {}),
  };
}
