import type { DaemonSet, Pod, PodSpec, PodTemplateSpec } from '@skiff/api';
import { canonicalJSON } from '../endpoints/canonical-json';
import { daemonPodTolerations } from './node-eligibility';

export const revisionHashLabel = 'controller-revision-hash';

/**
 * A short, stable name for a workload's current template (and collision count), put on its pods as
 * `controller-revision-hash` so that a rollout can tell old pods from new. FNV-1a over the canonical JSON.
 */
export function templateHash(workload: { spec: { template: PodTemplateSpec }; status?: { collisionCount?: number } }): string {
  const text = canonicalJSON(workload.spec.template) + String(workload.status?.collisionCount ?? 0);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** The template's pod spec with the tolerations every daemon pod gets; node eligibility is judged on this. */
export function daemonPodSpec(ds: DaemonSet): PodSpec {
  return { ...ds.spec.template.spec, tolerations: daemonPodTolerations(ds.spec.template.spec) };
}

/**
 * A daemon pod for one node. It is pinned by required node affinity on the node's name (replacing the template's
 * required terms, which the node already satisfies) so the scheduler still binds it and accounts for it.
 */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const spec = daemonPodSpec(ds);
  const template = ds.spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [revisionHashLabel]: hash },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name!, uid: ds.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...structuredClone(spec),
      affinity: {
        ...(spec.affinity ?? {}),
        nodeAffinity: {
          ...(spec.affinity?.nodeAffinity ?? {}),
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
        },
      },
    },
  };
}

/** The node a daemon pod is for: where it is bound, else the node its affinity pins it to. */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const field = term.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1);
    if (field) return field.values![0];
  }
  return undefined;
}

/** Ready, and for at least minReadySeconds (judged by when the Ready condition last turned True). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : now;
  return since + minReadySeconds * 1000 <= now;
}
