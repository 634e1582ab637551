import { pods, type Node, type Pod } from '@skiff/api';
import { isAlreadyExists, isNotFound, type KubeClient } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import { configHashAnnotation } from './static-pod-source';

export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

export function isMirrorPod(pod: Pod): boolean {
  return !!pod.metadata.annotations?.[mirrorPodAnnotation];
}

/**
 * Keeps a mirror pod in the apiserver for every static pod, so kubectl shows it: same name and namespace,
 * the static pod's hash in `kubernetes.io/config.mirror`, owned by the Node. A mirror of an older manifest, or
 * of a static pod that is gone, is deleted; a deleted mirror is made again.
 */
export class MirrorPods {
  constructor(
    private readonly client: KubeClient,
    private readonly logger: Logger,
  ) {}

  async sync(staticPods: Pod[], mirrors: Pod[], node: Node | undefined): Promise<void> {
    const byName = new Map(mirrors.filter((m) => m.metadata.annotations?.[mirrorPodAnnotation]).map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
    for (const sp of staticPods) {
      const key = `${sp.metadata.namespace}/${sp.metadata.name}`;
      const hash = sp.metadata.annotations![configHashAnnotation];
      const existing = byName.get(key);
      byName.delete(key);
      if (existing?.metadata.annotations?.[mirrorPodAnnotation] === hash && !existing.metadata.deletionTimestamp) continue;
      try {
        if (existing) await this.client.delete(pods, existing.metadata.namespace, existing.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: existing.metadata.uid } });
        if (existing?.metadata.deletionTimestamp) continue;
        const { uid: _uid, ...meta } = sp.metadata;
        await this.client.create<Pod>(pods, sp.metadata.namespace, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            ...meta,
            annotations: { ...sp.metadata.annotations, [mirrorPodAnnotation]: hash },
            ...(node?.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid, controller: true }] } : {}),
          },
          spec: sp.spec,
        });
      } catch (e) {
        if (!isAlreadyExists(e) && !isNotFound(e)) this.logger.warn(`syncing mirror pod ${key} failed: ${(e as Error).message}`);
      }
    }
    for (const orphan of byName.values()) {
      await this.client
        .delete(pods, orphan.metadata.namespace, orphan.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: orphan.metadata.uid } })
        .catch((e) => isNotFound(e) || this.logger.warn(`deleting mirror pod ${orphan.metadata.name} failed: ${(e as Error).message}`));
    }
  }
}
