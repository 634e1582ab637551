import { podQOSClass, type KObject, type PodQOSInput } from '@skiff/api';
import type { ServerStrategy } from './server-strategy';

interface PodLike {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number };
  status?: { phase?: string; qosClass?: string };
}

export const podStrategy: ServerStrategy = {
  prepareForCreate(obj: KObject) {
    const pod = obj as PodLike & KObject;
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod as PodQOSInput) };
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
