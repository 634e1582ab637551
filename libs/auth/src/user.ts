/** Who made a request, as authentication found it (Kubernetes' user.Info). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

/** Members are allowed everything, before any authorizer is asked (the cluster-admin certificate's group). */
export const systemMastersGroup = 'system:masters';
export const allAuthenticatedGroup = 'system:authenticated';
export const allUnauthenticatedGroup = 'system:unauthenticated';
export const anonymousUserName = 'system:anonymous';
export const nodesGroup = 'system:nodes';
export const nodeUserPrefix = 'system:node:';
export const monitoringGroup = 'system:monitoring';

export const kubeSchedulerUserName = 'system:kube-scheduler';
export const kubeControllerManagerUserName = 'system:kube-controller-manager';
export const kubeProxyUserName = 'system:kube-proxy';
/** The apiserver's client certificate towards kubelets (logs, exec, node proxy). */
export const kubeApiserverKubeletClientUserName = 'kube-apiserver-kubelet-client';

const serviceAccountUserPrefix = 'system:serviceaccount:';
export const allServiceAccountsGroup = 'system:serviceaccounts';

/** `system:serviceaccount:<namespace>:<name>`, the user name a service account's token authenticates as. */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `${serviceAccountUserPrefix}${namespace}:${name}`;
}

/** The namespace and name of a service account user name, or undefined for any other user. */
export function parseServiceAccountUserName(userName: string): { namespace: string; name: string } | undefined {
  if (!userName.startsWith(serviceAccountUserPrefix)) return undefined;
  const parts = userName.slice(serviceAccountUserPrefix.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** `system:serviceaccounts` and `system:serviceaccounts:<namespace>`: the groups every service account token carries. */
export function serviceAccountGroups(namespace: string): string[] {
  return [allServiceAccountsGroup, `${allServiceAccountsGroup}:${namespace}`];
}
