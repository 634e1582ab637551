import type { ClusterRole } from '@skiff/api';
import { aggregatedRules } from '../aggregation';
import { clusterRole, read, readWrite, rule, urls, write } from './rules';

const aggregateTo = (role: 'admin' | 'edit' | 'view') => `rbac.authorization.k8s.io/aggregate-to-${role}`;
const selecting = (role: 'admin' | 'edit' | 'view') => ({ clusterRoleSelectors: [{ matchLabels: { [aggregateTo(role)]: 'true' } }] });
const labelled = (role: 'admin' | 'edit' | 'view') => ({ metadata: { labels: { [aggregateTo(role)]: 'true' } } });

/** Kubernetes' system:aggregate-to-view, trimmed to the groups Skiff serves: read everything but secrets. */
function aggregateToView(): ClusterRole {
  return clusterRole(
    'system:aggregate-to-view',
    [
      rule(read, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      rule(read, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      rule(read, [''], ['namespaces']),
      rule(read, ['discovery.k8s.io'], ['endpointslices']),
      rule(read, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
    ],
    labelled('view'),
  );
}

/** system:aggregate-to-edit: write workloads, read secrets, exec into pods; never roles, bindings or endpoints. */
function aggregateToEdit(): ClusterRole {
  return clusterRole(
    'system:aggregate-to-edit',
    [
      rule(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      rule(['create'], [''], ['pods/eviction']),
      rule(write, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(write, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(write, ['batch'], ['cronjobs', 'jobs']),
      rule(write, ['policy'], ['poddisruptionbudgets']),
      rule(readWrite, ['coordination.k8s.io'], ['leases']),
    ],
    labelled('edit'),
  );
}

/** system:aggregate-to-admin: what admin adds to edit — managing access within the namespace. */
function aggregateToAdmin(): ClusterRole {
  return clusterRole(
    'system:aggregate-to-admin',
    [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(readWrite, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles'])],
    labelled('admin'),
  );
}

/**
 * The user-facing roles: cluster-admin for everything, and admin ⊃ edit ⊃ view to grant in a namespace with a
 * RoleBinding. admin, edit and view aggregate the system:aggregate-to-* roles (and any role a user labels the same
 * way); their rules are filled in here as the aggregation controller would.
 */
export function userFacingClusterRoles(): ClusterRole[] {
  const parts = [aggregateToAdmin(), aggregateToEdit(), aggregateToView()];
  const admin = clusterRole('admin', [], { aggregationRule: selecting('admin') });
  const edit = clusterRole('edit', [], { ...labelled('admin'), aggregationRule: selecting('edit') });
  const view = clusterRole('view', [], { ...labelled('edit'), aggregationRule: selecting('view') });
  const all = [admin, edit, view, ...parts];
  for (const role of [admin, edit, view]) role.rules = aggregatedRules(role, all) ?? [];
  const clusterAdmin = clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]);
  return [clusterAdmin, admin, edit, view, ...parts];
}
