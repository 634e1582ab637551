import type { Pod } from '@skiff/api';
import { probeTypeTitle, type ProbeType } from './probe-outcome';

export type ProbeEventType = 'Normal' | 'Warning';

/** Event reasons the prober uses, as Kubernetes names them. */
export const probeEventReasons = {
  /** A probe run failed or could not run. */
  unhealthy: 'Unhealthy',
  /** A probe passed with a caveat (an HTTP redirect to another host was not followed). */
  probeWarning: 'ProbeWarning',
  /** The container is being killed; recorded by whoever kills it. */
  killing: 'Killing',
} as const;

/**
 * Where the prober's Events go. The kubelet's pod worker adapts this to its EventRecorder, pointing the Event at
 * the container (`spec.containers{name}`) of the pod.
 */
export interface ProbeEventSink {
  containerEvent(pod: Pod, containerName: string, type: ProbeEventType, reason: string, message: string): void;
}

export const probeFailedMessage = (type: ProbeType, output: string) => `${probeTypeTitle(type)} probe failed: ${output}`;

export const probeErroredMessage = (type: ProbeType, output: string) =>
  `${probeTypeTitle(type)} probe errored and resulted in unknown state: ${output}`;

export const probeWarningMessage = (type: ProbeType, output: string) => `${probeTypeTitle(type)} probe warning: ${output}`;

/**
 * The message of the `Killing` event the pod worker records when a liveness or startup failure makes it stop a
 * container, e.g. `Container web failed liveness probe, will be restarted`.
 */
export function probeKillMessage(containerName: string, type: Exclude<ProbeType, 'readiness'>, willRestart = true): string {
  return `Container ${containerName} failed ${type} probe${willRestart ? ', will be restarted' : ''}`;
}
