import { pods, type Pod, type PodStatus } from '@skiff/api';
import { isNotFound, type KubeClient } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import { isStaticPod } from '../static/static-pod-source';

/** Status fields the kubelet owns: when one disappears from the computed status it is cleared on the server. */
const ownedFields = ['phase', 'conditions', 'message', 'reason', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'initContainerStatuses', 'containerStatuses', 'qosClass'] as const;

/**
 * Writes pod statuses to pods/status, only when they changed since the last write for that pod. The patch is a
 * JSON merge patch: lists are replaced whole, and owned fields that went away are sent as null.
 */
export class StatusManager {
  private readonly written = new Map<string, string>();

  constructor(
    private readonly client: KubeClient,
    private readonly logger: Logger,
  ) {}

  /** Returns the stored pod after a write, or undefined when nothing needed writing (or the pod is gone). */
  async setStatus(pod: Pod, status: PodStatus): Promise<Pod | undefined> {
    const uid = pod.metadata.uid!;
    const text = JSON.stringify(status);
    if (this.written.get(uid) === text) return undefined;
    if (this.written.get(uid) === undefined && JSON.stringify(pod.status) === text) {
      this.written.set(uid, text);
      return undefined;
    }
    const patch: Record<string, unknown> = { ...status };
    for (const f of ownedFields) if (!(f in status) && pod.status?.[f] !== undefined) patch[f] = null;
    try {
      const stored = await this.client.patch<Pod>(pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { ...(isStaticPod(pod) ? {} : { metadata: { uid } }), status: patch }, { subresource: 'status' });
      this.written.set(uid, text);
      return stored;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      this.logger.warn(`updating status of pod ${pod.metadata.namespace}/${pod.metadata.name} failed: ${(e as Error).message}`);
      throw e;
    }
  }

  forget(uid: string): void {
    this.written.delete(uid);
  }
}
