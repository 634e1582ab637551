/** Something worth a Warning event on the pod that does not stop it (a skipped env key, a trimmed DNS search list). */
export interface PodWarning {
  /** The event reason Kubernetes uses, e.g. `DNSConfigForming`. */
  reason: string;
  message: string;
}

export type WarningSink = (warning: PodWarning) => void;

/** Kubernetes' short form of a pod in messages: `name_namespace(uid)`. */
export function formatPod(pod: { metadata: { name?: string; namespace?: string; uid?: string } }): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}
