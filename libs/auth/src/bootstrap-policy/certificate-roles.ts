import { rbacGroupName, type ClusterRole, type ClusterRoleBinding, type Role, type RoleBinding, type Subject } from '@skiff/api';
import { bootstrappersGroup } from '../bootstrap-token';
import { nodesGroup } from '../user';
import { autoUpdateAnnotation, bootstrapLabels, clusterRole, eventsRule, groups, read, rule } from './rules';

const certificates = 'certificates.k8s.io';
export const nodeBootstrapperRoleName = 'system:node-bootstrapper';
export const nodeClientApproverRoleName = 'system:certificates.k8s.io:certificatesigningrequests:nodeclient';
export const selfNodeClientApproverRoleName = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';
export const certificateControllerRoleName = 'system:controller:certificate-controller';
export const bootstrapSignerRoleName = 'system:controller:bootstrap-signer';
export const tokenCleanerRoleName = 'system:controller:token-cleaner';
const approvableSigners = ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown'];

/**
 * Kubelet TLS bootstrapping: a joining kubelet (a bootstrap token) may file CSRs, and the approver approves a
 * node client request when its requester may create certificatesigningrequests/nodeclient (new nodes) or
 * .../selfnodeclient (a node renewing its own). The certificate controller's own role, as Kubernetes defines it.
 */
export function certificateClusterRoles(): ClusterRole[] {
  return [
    clusterRole(nodeBootstrapperRoleName, [rule(['create', ...read], [certificates], ['certificatesigningrequests'])]),
    clusterRole(nodeClientApproverRoleName, [rule(['create'], [certificates], ['certificatesigningrequests/nodeclient'])]),
    clusterRole(selfNodeClientApproverRoleName, [rule(['create'], [certificates], ['certificatesigningrequests/selfnodeclient'])]),
    // Grantable approvers per signer, as Kubernetes ships them (unbound): approving needs `approve` on the signer.
    ...approvableSigners.map((signer) =>
      clusterRole(`system:certificates.k8s.io:${signer.replace('kubernetes.io/', '')}-approver`, [rule(['approve'], [certificates], ['signers'], [signer])]),
    ),
    clusterRole(certificateControllerRoleName, [
      rule(['delete', ...read], [certificates], ['certificatesigningrequests']),
      rule(['update'], [certificates], ['certificatesigningrequests/approval', 'certificatesigningrequests/status']),
      rule(['approve'], [certificates], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/legacy-unknown']),
      rule(['sign'], [certificates], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      ...eventsRule(),
    ]),
  ];
}

const serviceAccount = (name: string): Subject => ({ kind: 'ServiceAccount', name, namespace: 'kube-system' });

function binding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: `${rbacGroupName}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { ...autoUpdateAnnotation } },
    roleRef: { apiGroup: rbacGroupName, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

/** kubeadm's bindings: every bootstrap token may file and get approved node client CSRs; every node may renew its own. */
export function certificateClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding('kubeadm:kubelet-bootstrap', nodeBootstrapperRoleName, groups(bootstrappersGroup)),
    binding('kubeadm:node-autoapprove-bootstrap', nodeClientApproverRoleName, groups(bootstrappersGroup)),
    binding('kubeadm:node-autoapprove-certificate-rotation', selfNodeClientApproverRoleName, groups(nodesGroup)),
    binding(certificateControllerRoleName, certificateControllerRoleName, [serviceAccount('certificate-controller')]),
  ];
}

function role(name: string, namespace: string, rules: Role['rules']): Role {
  return { apiVersion: `${rbacGroupName}/v1`, kind: 'Role', metadata: { name, namespace, labels: { ...bootstrapLabels }, annotations: { ...autoUpdateAnnotation } }, rules };
}

function roleBinding(name: string, namespace: string, subjects: Subject[]): RoleBinding {
  return {
    apiVersion: `${rbacGroupName}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: { ...bootstrapLabels }, annotations: { ...autoUpdateAnnotation } },
    roleRef: { apiGroup: rbacGroupName, kind: 'Role', name },
    subjects,
  };
}

/** The bootstrap signer reads tokens and updates cluster-info; the token cleaner reads and deletes tokens. */
export function bootstrapControllerRoles(): Role[] {
  return [
    role(bootstrapSignerRoleName, 'kube-system', [rule(read, [''], ['secrets'])]),
    role(tokenCleanerRoleName, 'kube-system', [rule(['delete', ...read], [''], ['secrets']), ...eventsRule()]),
    role(bootstrapSignerRoleName, 'kube-public', [rule(read, [''], ['configmaps']), rule(['update'], [''], ['configmaps'], ['cluster-info']), ...eventsRule()]),
  ];
}

export function bootstrapControllerRoleBindings(): RoleBinding[] {
  return [
    roleBinding(bootstrapSignerRoleName, 'kube-system', [serviceAccount('bootstrap-signer')]),
    roleBinding(tokenCleanerRoleName, 'kube-system', [serviceAccount('token-cleaner')]),
    roleBinding(bootstrapSignerRoleName, 'kube-public', [serviceAccount('bootstrap-signer')]),
  ];
}
