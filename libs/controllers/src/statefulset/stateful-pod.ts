import type { Pod, PodTemplateSpec, StatefulSet } from '@skiff/api';
import { revisionHashLabel } from '../daemonset/daemon-pod';
import { isPodReady } from '../endpoints/pod-endpoints';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

export function statefulPodName(sts: StatefulSet, ordinal: number): string {
  return `${sts.metadata.name}-${ordinal}`;
}

/** The ordinal in a pod's name, or undefined when the name is not `<set>-<n>`. */
export function podOrdinal(sts: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${sts.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** The ordinals that should exist: `replicas` of them from `spec.ordinals.start`. */
export function ordinalRange(sts: StatefulSet): { start: number; end: number } {
  const start = sts.spec.ordinals?.start ?? 0;
  return { start, end: start + (sts.spec.replicas ?? 1) };
}

/** A pod with its stable identity: name and hostname from the ordinal, subdomain from the governing Service. */
export function newStatefulPod(sts: StatefulSet, ordinal: number, template: PodTemplateSpec, revision: string): Pod {
  const name = statefulPodName(sts, ordinal);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: sts.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [revisionHashLabel]: revision, [podNameLabel]: name, [podIndexLabel]: String(ordinal) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name!, uid: sts.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { ...structuredClone(template.spec), hostname: name, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) },
  };
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function podRevision(pod: Pod): string | undefined {
  return pod.metadata.labels?.[revisionHashLabel];
}
