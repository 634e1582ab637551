import type { ClusterRole } from '@skiff/api';
import { clusterRole, eventsRule, read, rule } from './rules';

const schedulerLease = 'kube-scheduler';

/** The scheduler: watch pods, nodes and what scheduling considers; bind pods, write their status, preempt. */
function kubeScheduler(): ClusterRole {
  return clusterRole('system:kube-scheduler', [
    ...eventsRule(),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], [schedulerLease]),
    rule(read, [''], ['nodes']),
    rule(['delete', 'get', 'list', 'watch'], [''], ['pods']),
    rule(['create'], [''], ['bindings', 'pods/binding']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(read, [''], ['replicationcontrollers', 'services']),
    rule(read, ['apps'], ['replicasets', 'statefulsets']),
    rule(read, ['policy'], ['poddisruptionbudgets']),
    rule(read, [''], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    rule(read, [''], ['namespaces']),
  ]);
}

/**
 * The controller-manager. Kubernetes gives each controller its own service account and system:controller:* role;
 * Skiff's controllers share the controller-manager's identity, so this is Kubernetes' base role plus the union of
 * what the controllers in libs/controllers do.
 */
function kubeControllerManager(): ClusterRole {
  return clusterRole('system:kube-controller-manager', [
    ...eventsRule(),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], [''], ['secrets', 'serviceaccounts', 'serviceaccounts/token']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    // garbagecollector: read any owner, orphan (patch) or delete any dependent. This also covers every other
    // controller's reads, updates, patches, status writes and deletes, and the leader-election lease.
    rule(['delete', 'get', 'list', 'patch', 'update', 'watch'], ['*'], ['*']),
    // namespace: empty a terminating namespace of every kind before finalizing it.
    rule(['deletecollection'], ['*'], ['*']),
    // What the controllers create: pods (replicaset, daemonset, statefulset, job), replica sets (deployment),
    // revisions (daemonset, statefulset), claims (statefulset), jobs (cronjob), endpoints and slices, and
    // kube-root-ca.crt ConfigMaps (root-ca-cert-publisher).
    rule(['create'], [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods']),
    rule(['create'], ['apps'], ['controllerrevisions', 'replicasets']),
    rule(['create'], ['batch'], ['jobs']),
    rule(['create'], ['discovery.k8s.io'], ['endpointslices']),
    // csrapproving approves node client requests and csrsigning signs for the cluster CA's signers (CSR admission checks both).
    rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
    rule(['sign'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
  ]);
}

/**
 * What a kubelet may do. Nobody is bound to it: the Node authorizer grants a node exactly this, limited to its own
 * Node, Lease and pods and what they reference.
 */
function node(): ClusterRole {
  return clusterRole('system:node', [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
    rule(read, [''], ['services']),
    rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
    rule(['patch', 'update'], [''], ['nodes/status']),
    rule(['patch', 'update'], [''], ['nodes']),
    ...eventsRule(),
    rule(read, [''], ['pods']),
    // Mirror pods of static pods.
    rule(['create', 'delete'], [''], ['pods']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['create'], [''], ['pods/eviction']),
    rule(read, [''], ['configmaps', 'secrets']),
    rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['get'], [''], ['endpoints']),
    rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
  ]);
}

/** The service proxy (kube-proxy): Services and their endpoints, and its own Node; Skiff's also answers cluster DNS from them. */
function nodeProxier(): ClusterRole {
  return clusterRole('system:node-proxier', [
    rule(['list', 'watch'], [''], ['endpoints', 'services']),
    rule(read, [''], ['nodes']),
    ...eventsRule(),
    rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
  ]);
}

/** Everything on the kubelet API (nodes/proxy, stats, metrics, logs) and reading Nodes: what the apiserver needs to reach kubelets. */
function kubeletApiAdmin(): ClusterRole {
  return clusterRole('system:kubelet-api-admin', [
    rule(read, [''], ['nodes']),
    rule(['proxy'], [''], ['nodes']),
    rule(['*'], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats']),
  ]);
}

export function componentClusterRoles(): ClusterRole[] {
  return [kubeScheduler(), kubeControllerManager(), node(), nodeProxier(), kubeletApiAdmin()];
}
