import type { IncomingMessage } from 'node:http';
import { allAuthenticatedGroup, systemMastersGroup } from '@skiff/auth';
import type { UserInfo } from '../admission/admission';

/** Who a request on the plain port acts as: it skips authentication and authorization, as Kubernetes' insecure port did. */
export const insecureUser: UserInfo = { name: 'system:unsecured', groups: [systemMastersGroup, allAuthenticatedGroup] };

const users = new WeakMap<IncomingMessage, UserInfo>();

export function setRequestUser(req: IncomingMessage, user: UserInfo): void {
  users.set(req, user);
}

/** The authenticated user of a request; a request that met no authentication came in on the plain port. */
export function userOf(req: IncomingMessage): UserInfo {
  return users.get(req) ?? insecureUser;
}
