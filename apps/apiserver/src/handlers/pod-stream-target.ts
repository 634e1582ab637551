import type { Pod } from '@skiff/api';
import { registryByName, type ApiContext } from './api-context';
import { badRequest } from './status-error';

function containerNames(containers: { name: string }[] | undefined): string[] {
  return (containers ?? []).map((c) => c.name);
}

/**
 * The container a log/exec/attach request is about, checked the way Kubernetes does: named, or the only one;
 * init and ephemeral containers count as valid names.
 */
export function containerOf(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata.name!;
  const spec = pod.spec;
  if (!requested) {
    const main = containerNames(spec?.containers);
    if (main.length === 1) return main[0];
    if (main.length === 0) throw badRequest(`pod ${name} does not have a container`);
    const init = containerNames(spec?.initContainers);
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}`,
    );
  }
  const valid = [...containerNames(spec?.containers), ...containerNames(spec?.initContainers), ...containerNames(spec?.ephemeralContainers)];
  if (!valid.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

export async function getPod(ctx: ApiContext, namespace: string, name: string): Promise<Pod> {
  return (await registryByName(ctx, '', 'v1', 'pods').get(namespace, name)) as Pod;
}
