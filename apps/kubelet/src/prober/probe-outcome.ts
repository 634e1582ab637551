/** What one run of a probe handler found, before thresholds are applied. */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/**
 * `unknown` means the probe could not be run at all (bad port name, runtime error): the kubelet reports it as
 * "errored" and keeps the previous state. `warning` marks a success the kubelet still reports (a redirect to
 * another host that was not followed).
 */
export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
  warning?: boolean;
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** The User-Agent every HTTP probe sends unless the probe sets its own. */
export const probeUserAgent = 'kube-probe/1.32';

/** Probe handlers read at most this much of an HTTP body or exec output, as the kubelet does. */
export const maxProbeOutputBytes = 10 * 1024;

export const success = (output = ''): ProbeOutcome => ({ result: 'success', output });
export const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });
export const unknown = (output: string): ProbeOutcome => ({ result: 'unknown', output });

/** Kubernetes spells probe types capitalised in events and metrics ("Liveness probe failed: ..."). */
export function probeTypeTitle(type: ProbeType): 'Liveness' | 'Readiness' | 'Startup' {
  return type === 'liveness' ? 'Liveness' : type === 'readiness' ? 'Readiness' : 'Startup';
}

