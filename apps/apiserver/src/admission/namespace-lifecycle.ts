import type { KObject } from '@skiff/api';
import { forbidden, notFound } from '../handlers/status-error';
import type { AdmissionPlugin, AdmissionRequest } from './admission';

/** Namespaces that exist from the start and may never be deleted. */
export const immortalNamespaces = ['default', 'kube-system', 'kube-public'];

/**
 * Kubernetes' NamespaceLifecycle: nothing is created in a namespace that does not exist or is terminating,
 * and the system namespaces cannot be deleted.
 */
export function namespaceLifecycle(lookupNamespace: (name: string) => Promise<KObject | undefined>): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate(req: AdmissionRequest) {
      if (req.type.resource === 'namespaces' && req.type.group === '' && req.operation === 'DELETE' && !req.subresource) {
        if (immortalNamespaces.includes(req.name)) throw forbidden(req.type, req.name, 'this namespace may not be deleted');
        return;
      }
      if (req.operation !== 'CREATE' || !req.type.namespaced || !req.namespace) return;
      const ns = await lookupNamespace(req.namespace);
      if (!ns) throw notFound({ group: '', resource: 'namespaces' }, req.namespace);
      // Events about a terminating namespace's contents are still allowed, as in Kubernetes.
      if (ns.metadata.deletionTimestamp && !(req.type.resource === 'events' && req.type.group === '')) {
        throw forbidden(req.type, req.name, `unable to create new content in namespace ${req.namespace} because it is being terminated`);
      }
    },
  };
}
