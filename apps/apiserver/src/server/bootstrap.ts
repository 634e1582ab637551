import { systemPriorityClasses, type KObject } from '@skiff/api';
import { anonymousUser } from '../admission/admission';
import { registryByName, type ApiContext } from '../handlers/api-context';
import type { GenericRegistry } from '../registry/generic-registry';
import { StatusError } from '../handlers/status-error';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates each object unless it exists, retrying with backoff until etcd answers. */
async function ensureObjects(registry: GenericRegistry, objects: KObject[]): Promise<void> {
  const pending = new Map(objects.map((o) => [o.metadata.name!, o]));
  for (let attempt = 0; pending.size > 0; attempt++) {
    for (const [name, obj] of [...pending]) {
      try {
        await registry.create(undefined, structuredClone(obj), { user: anonymousUser, dryRun: false });
        pending.delete(name);
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'AlreadyExists') pending.delete(name);
      }
    }
    if (pending.size) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
  }
}

/** What every cluster has from the start: the system namespaces and the built-in PriorityClasses. */
export async function bootstrapCluster(ctx: ApiContext): Promise<void> {
  await ensureObjects(
    registryByName(ctx, '', 'v1', 'namespaces'),
    systemNamespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  await ensureObjects(registryByName(ctx, 'scheduling.k8s.io', 'v1', 'priorityclasses'), systemPriorityClasses);
  ctx.logger.info('system namespaces and priority classes present', { namespaces: systemNamespaces });
}
