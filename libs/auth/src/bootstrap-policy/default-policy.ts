import { rbacGroupName, type ClusterRole, type ClusterRoleBinding, type Role, type RoleBinding } from '@skiff/api';
import {
  allAuthenticatedGroup,
  allServiceAccountsGroup,
  allUnauthenticatedGroup,
  kubeApiserverKubeletClientUserName,
  kubeControllerManagerUserName,
  kubeProxyUserName,
  kubeSchedulerUserName,
  monitoringGroup,
  systemMastersGroup,
} from '../user';
import { bootstrapControllerRoleBindings, bootstrapControllerRoles, certificateClusterRoleBindings, certificateClusterRoles } from './certificate-roles';
import { componentClusterRoles } from './component-roles';
import { discoveryClusterRoles } from './discovery-roles';
import { autoUpdateAnnotation, bootstrapLabels, clusterRoleBinding, groups, rule, users } from './rules';
import { userFacingClusterRoles } from './user-roles';

/** The ClusterRoles a cluster starts with (Kubernetes' names and rules, trimmed to the APIs Skiff serves). */
export function defaultClusterRoles(): ClusterRole[] {
  return [...userFacingClusterRoles(), ...discoveryClusterRoles(), ...componentClusterRoles(), ...certificateClusterRoles()];
}

/** Who holds them: admins by group, components by the user names in their client certificates. */
export function defaultClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding('cluster-admin', groups(systemMastersGroup)),
    clusterRoleBinding('system:discovery', groups(allAuthenticatedGroup)),
    clusterRoleBinding('system:basic-user', groups(allAuthenticatedGroup)),
    clusterRoleBinding('system:public-info-viewer', groups(allAuthenticatedGroup, allUnauthenticatedGroup)),
    clusterRoleBinding('system:monitoring', groups(monitoringGroup)),
    clusterRoleBinding('system:service-account-issuer-discovery', groups(allServiceAccountsGroup)),
    clusterRoleBinding('system:kube-scheduler', users(kubeSchedulerUserName)),
    clusterRoleBinding('system:kube-controller-manager', users(kubeControllerManagerUserName)),
    clusterRoleBinding('system:node-proxier', users(kubeProxyUserName)),
    // The apiserver's identity towards kubelets, so their Webhook authorization lets logs, exec and node proxy through.
    clusterRoleBinding('system:kubelet-api-admin', users(kubeApiserverKubeletClientUserName)),
    // Kept without subjects, as in Kubernetes: nodes are authorized by the Node authorizer instead.
    clusterRoleBinding('system:node', []),
    ...certificateClusterRoleBindings(),
  ];
}

export const kubePublicNamespace = 'kube-public';
export const clusterInfoConfigMapName = 'cluster-info';
/** The name kubeadm gives the role that lets joining nodes read cluster-info before they have credentials. */
export const clusterInfoReaderName = 'kubeadm:bootstrap-signer-clusterinfo';

/** Namespaced roles: reading the kube-public/cluster-info ConfigMap (the CA and server address a joining node trusts). */
export function defaultRoles(): Role[] {
  return [
    {
      apiVersion: `${rbacGroupName}/v1`,
      kind: 'Role',
      metadata: { name: clusterInfoReaderName, namespace: kubePublicNamespace, labels: { ...bootstrapLabels }, annotations: { ...autoUpdateAnnotation } },
      rules: [rule(['get'], [''], ['configmaps'], [clusterInfoConfigMapName])],
    },
    ...bootstrapControllerRoles(),
  ];
}

/** Everyone, signed in or not, may read cluster-info. */
export function defaultRoleBindings(): RoleBinding[] {
  return [
    {
      apiVersion: `${rbacGroupName}/v1`,
      kind: 'RoleBinding',
      metadata: { name: clusterInfoReaderName, namespace: kubePublicNamespace, labels: { ...bootstrapLabels }, annotations: { ...autoUpdateAnnotation } },
      roleRef: { apiGroup: rbacGroupName, kind: 'Role', name: clusterInfoReaderName },
      subjects: groups(allAuthenticatedGroup, allUnauthenticatedGroup),
    },
    ...bootstrapControllerRoleBindings(),
  ];
}
