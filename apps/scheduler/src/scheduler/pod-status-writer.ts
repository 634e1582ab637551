import { formatTime, pods, type Pod, type PodCondition } from '@skiff/api';
import { isNotFound, type Clock, type KubeClient } from '@skiff/client';
import type { Logger } from '@skiff/logging';

export interface ConditionUpdate {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/**
 * Writes the pod status fields the scheduler owns (the PodScheduled condition, nominatedNodeName, the
 * DisruptionTarget condition of preemption victims) with merge patches on pods/status, skipping writes that
 * would change nothing.
 */
export class PodStatusWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Sets a condition (keeping lastTransitionTime when its status does not change) and, when given, the
   * nominated node ('' clears it). `pod` is the latest version the scheduler has seen.
   */
  async setCondition(pod: Pod, update: ConditionUpdate, nominatedNodeName?: string): Promise<void> {
    const conditions = pod.status?.conditions ?? [];
    const existing = conditions.find((c) => c.type === update.type);
    const nominationChanges = nominatedNodeName !== undefined && nominatedNodeName !== (pod.status?.nominatedNodeName ?? '');
    const unchanged = existing && existing.status === update.status && existing.reason === update.reason && existing.message === update.message;
    if (unchanged && !nominationChanges) return;
    const condition: PodCondition = {
      type: update.type,
      status: update.status,
      reason: update.reason,
      message: update.message,
      lastTransitionTime: existing && existing.status === update.status ? existing.lastTransitionTime : formatTime(new Date(this.clock.now())),
    };
    const status: Record<string, unknown> = { conditions: [...conditions.filter((c) => c.type !== update.type), condition] };
    if (nominationChanges) status.nominatedNodeName = nominatedNodeName || null;
    await this.patchStatus(pod, status);
  }

  async clearNomination(pod: Pod): Promise<void> {
    await this.patchStatus(pod, { nominatedNodeName: null });
  }

  private async patchStatus(pod: Pod, status: Record<string, unknown>): Promise<void> {
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    try {
      await this.client.patch(pods, ns, name, 'merge', { status }, { subresource: 'status' });
    } catch (err) {
      // A pod deleted meanwhile needs no status.
      if (!isNotFound(err)) this.logger.warn('could not update pod status', { pod: `${ns}/${name}`, error: (err as Error).message });
    }
  }
}
