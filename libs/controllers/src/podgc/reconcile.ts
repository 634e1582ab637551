import { nodes, pods, type Node, type Pod } from '@skiff/api';
import { isNotFound, type KubeClient, type Lister } from '@skiff/client';
import type { Logger } from '@skiff/logging';

export interface PodGCDeps {
  client: KubeClient;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  /** Terminated pods kept before the oldest are deleted; 0 or less turns that sweep off. */
  terminatedPodThreshold: number;
  logger: Logger;
}

const isTerminated = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/**
 * One pass of Kubernetes' pod garbage collection: pods bound to nodes that no longer exist, terminating pods that
 * were never scheduled, and terminated pods beyond the threshold (oldest first) are deleted. Every deletion is
 * tried; the first failure is rethrown afterwards so the pass is retried.
 */
export async function sweepPods(deps: PodGCDeps): Promise<void> {
  const failures: unknown[] = [];
  const remove = async (pod: Pod, why: string) => {
    try {
      await deps.client.delete(pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      deps.logger.info('deleted pod', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, why });
    } catch (e) {
      if (!isNotFound(e)) failures.push(e);
    }
  };

  const all = deps.pods.list();
  for (const pod of await podsOnMissingNodes(all, deps)) await remove(pod, `node ${pod.spec?.nodeName} no longer exists`);
  for (const pod of all.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName)) await remove(pod, 'terminating and never scheduled');

  if (deps.terminatedPodThreshold > 0) {
    const terminated = deps.pods.list().filter((p) => isTerminated(p) && !p.metadata.deletionTimestamp);
    const excess = terminated.length - deps.terminatedPodThreshold;
    if (excess > 0) {
      const oldestFirst = terminated.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
      for (const pod of oldestFirst.slice(0, excess)) await remove(pod, `over the threshold of ${deps.terminatedPodThreshold} terminated pods`);
    }
  }
  if (failures.length) throw failures[0];
}

/** A node missing from the cache is confirmed with the apiserver before its pods go, as the cache may lag. */
async function podsOnMissingNodes(all: Pod[], deps: PodGCDeps): Promise<Pod[]> {
  const missing = new Map<string, boolean>();
  const orphans: Pod[] = [];
  for (const pod of all) {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || deps.nodes.get(undefined, nodeName)) continue;
    if (!missing.has(nodeName)) {
      try {
        await deps.client.get(nodes, undefined, nodeName);
        missing.set(nodeName, false);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        missing.set(nodeName, true);
      }
    }
    if (missing.get(nodeName)) orphans.push(pod);
  }
  return orphans;
}
