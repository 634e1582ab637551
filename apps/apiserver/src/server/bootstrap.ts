import { anonymousUser } from '../admission/admission';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { StatusError } from '../handlers/status-error';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates the namespaces every cluster has, retrying until etcd answers. */
export async function bootstrapNamespaces(ctx: ApiContext): Promise<void> {
  const namespaces = registryByName(ctx, '', 'v1', 'namespaces');
  const pending = new Set(systemNamespaces);
  for (let attempt = 0; pending.size > 0; attempt++) {
    for (const name of [...pending]) {
      try {
        await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { user: anonymousUser, dryRun: false });
        pending.delete(name);
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'AlreadyExists') pending.delete(name);
      }
    }
    if (pending.size) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
  }
  ctx.logger.info('system namespaces present', { namespaces: systemNamespaces });
}
