import type { Authorizer } from './authorizer';
import { systemMastersGroup } from './user';

/**
 * Allows every request from a member of the given groups and has no opinion on anyone else. The apiserver puts it
 * in front of every other authorizer for `system:masters`, so no RBAC change can lock the cluster admin out.
 */
export function privilegedGroupsAuthorizer(groups: readonly string[] = [systemMastersGroup]): Authorizer {
  const privileged = new Set(groups);
  return {
    authorize(attrs) {
      const member = attrs.user.groups.some((g) => privileged.has(g));
      return { decision: member ? 'Allow' : 'NoOpinion', reason: '' };
    },
  };
}
