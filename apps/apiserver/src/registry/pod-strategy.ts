import type { KObject } from '@skiff/api';
import type { ServerStrategy } from './server-strategy';

interface ContainerLike {
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}
interface PodLike {
  spec?: { nodeName?: string; containers?: ContainerLike[]; initContainers?: ContainerLike[]; terminationGracePeriodSeconds?: number };
  status?: { phase?: string; qosClass?: string };
}

/** Kubernetes' QoS class: Guaranteed when every container's cpu and memory limits equal its requests. */
export function podQOSClass(pod: PodLike): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export const podStrategy: ServerStrategy = {
  prepareForCreate(obj: KObject) {
    const pod = obj as PodLike & KObject;
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
  },
  /**
   * A pod on a node is stopped by its kubelet, which then deletes it with grace 0; a pod that never reached a
   * node, or has finished, has nothing to stop and goes at once.
   */
  gracePeriodSeconds(obj: KObject, requested: number | undefined) {
    const pod = obj as PodLike & KObject;
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  },
};
