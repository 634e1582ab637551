import type { Subject } from '@skiff/api';
import { serviceAccountUserName, type UserInfo } from './user';

/**
 * The index key a subject is found under: users and service accounts by the user name they authenticate as,
 * groups by group name. A ServiceAccount without a namespace takes the RoleBinding's (none in a
 * ClusterRoleBinding, where it matches nobody).
 */
export function subjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User':
      return userKey(subject.name);
    case 'Group':
      return groupKey(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? userKey(serviceAccountUserName(namespace, subject.name)) : undefined;
    }
    default:
      return undefined;
  }
}

export const userKey = (name: string) => `u:${name}`;
export const groupKey = (name: string) => `g:${name}`;

/** Every key under which bindings that apply to this user are indexed. */
export function keysOf(user: UserInfo): string[] {
  return [userKey(user.name), ...user.groups.map(groupKey)];
}

/** The first subject of a binding that applies to the user (Kubernetes' appliesTo), for the allow reason. */
export function firstMatchingSubject(subjects: readonly Subject[] | undefined, user: UserInfo, bindingNamespace: string): Subject | undefined {
  const keys = new Set(keysOf(user));
  return (subjects ?? []).find((s) => {
    const key = subjectKey(s, bindingNamespace);
    return key !== undefined && keys.has(key);
  });
}

/** How Kubernetes names a subject in an allow reason: `User "alice"`, `ServiceAccount "ci/dev"` (name/namespace). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} ${JSON.stringify(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${JSON.stringify(subject.name)}`;
}
