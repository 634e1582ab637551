import { probeSettings } from './probe-settings';

describe('probeSettings', () => {
  it('fills in Kubernetes defaults', () => {
    expect(probeSettings({ exec: { command: ['true'] } }, 'readiness')).toEqual({
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
      terminationGracePeriodSeconds: undefined,
    });
  });

  it('keeps a readiness success threshold but forces 1 for liveness and startup', () => {
    const probe = { successThreshold: 3, failureThreshold: 5, periodSeconds: 2, initialDelaySeconds: 7, timeoutSeconds: 4 };
    expect(probeSettings(probe, 'readiness')).toMatchObject({ successThreshold: 3, failureThreshold: 5, periodSeconds: 2, initialDelaySeconds: 7, timeoutSeconds: 4 });
    expect(probeSettings(probe, 'liveness').successThreshold).toBe(1);
    expect(probeSettings(probe, 'startup').successThreshold).toBe(1);
  });

  it('clamps values below their minimum', () => {
    expect(probeSettings({ periodSeconds: 0, timeoutSeconds: 0, failureThreshold: 0, initialDelaySeconds: -5 }, 'liveness')).toMatchObject({
      periodSeconds: 1,
      timeoutSeconds: 1,
      failureThreshold: 1,
      initialDelaySeconds: 0,
    });
  });

  it('passes the probe-level grace period along for liveness and startup only', () => {
    expect(probeSettings({ terminationGracePeriodSeconds: 5 }, 'liveness').terminationGracePeriodSeconds).toBe(5);
    expect(probeSettings({ terminationGracePeriodSeconds: 5 }, 'startup').terminationGracePeriodSeconds).toBe(5);
    expect(probeSettings({ terminationGracePeriodSeconds: 5 }, 'readiness').terminationGracePeriodSeconds).toBeUndefined();
  });
});
