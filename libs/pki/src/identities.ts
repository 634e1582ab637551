/** The subject of a client certificate: CN is the user name, each O a group. */
export interface ClientIdentity {
  commonName: string;
  organizations: string[];
}

/** The group whose members RBAC lets do anything (bound to cluster-admin), as in Kubernetes. */
export const mastersGroup = 'system:masters';
/** The group every kubelet's credential is in; the Node authorizer keys on it. */
export const nodesGroup = 'system:nodes';

/** The user names Kubernetes' default RBAC roles are bound to. */
export const adminIdentity: ClientIdentity = { commonName: 'kubernetes-admin', organizations: [mastersGroup] };
export const schedulerIdentity: ClientIdentity = { commonName: 'system:kube-scheduler', organizations: [] };
export const controllerManagerIdentity: ClientIdentity = { commonName: 'system:kube-controller-manager', organizations: [] };
export const proxyIdentity: ClientIdentity = { commonName: 'system:kube-proxy', organizations: [] };
/** The apiserver's identity towards kubelets (logs, exec); it needs no groups on the apiserver itself. */
export const apiserverKubeletClientIdentity: ClientIdentity = { commonName: 'kube-apiserver-kubelet-client', organizations: [] };

/** A kubelet's identity: `system:node:<name>` in `system:nodes`, the form the Node authorizer recognizes. */
export function nodeIdentity(nodeName: string): ClientIdentity {
  return { commonName: `system:node:${nodeName}`, organizations: [nodesGroup] };
}
