import type { Probe } from '@skiff/api';
import type { ProbeType } from './probe-outcome';

/** A probe's timing and thresholds with Kubernetes' defaults filled in and out-of-range values clamped. */
export interface ProbeSettings {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  /** Probe-level grace period for the kill that a liveness or startup failure causes; unset means the pod's. */
  terminationGracePeriodSeconds?: number;
}

const whole = (v: number | undefined, fallback: number, min: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.max(min, Math.floor(v)) : fallback;

export function probeSettings(probe: Probe, type: ProbeType): ProbeSettings {
  return {
    initialDelaySeconds: whole(probe.initialDelaySeconds, 0, 0),
    periodSeconds: whole(probe.periodSeconds, 10, 1),
    timeoutSeconds: whole(probe.timeoutSeconds, 1, 1),
    // Liveness and startup probes act on the first success: a threshold above one is meaningless for them.
    successThreshold: type === 'readiness' ? whole(probe.successThreshold, 1, 1) : 1,
    failureThreshold: whole(probe.failureThreshold, 3, 1),
    terminationGracePeriodSeconds:
      type !== 'readiness' && typeof probe.terminationGracePeriodSeconds === 'number' ? Math.max(0, probe.terminationGracePeriodSeconds) : undefined,
  };
}
