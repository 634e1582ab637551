import type { Probe } from '@skiff/api';
import { sleep, type Clock } from '@skiff/client';
import { runProbe, type ProbeTools } from '../prober/run-probe';
import { podDescription } from './pod-sync';
import type { HookRunner } from './sync-deps';

/**
 * postStart / preStop handlers: exec in the container, an HTTP GET or TCP connect towards the pod, or a sleep.
 * They reuse the probe handlers (same semantics: exit 0, HTTP 200–399, a connect) bounded by the time given.
 */
export function lifecycleHookRunner(tools: ProbeTools, clock: Clock): HookRunner {
  return async (pod, container, containerId, handler, podIP, timeoutMs) => {
    if (handler.sleep) {
      await sleep(clock, Math.min(Number(handler.sleep.seconds) * 1000, timeoutMs));
      return undefined;
    }
    const probe = { exec: handler.exec, httpGet: handler.httpGet, tcpSocket: handler.tcpSocket } as Probe;
    const outcome = await runProbe({ probe, container, containerId, podIP, timeoutSeconds: Math.max(1, Math.floor(timeoutMs / 1000)) }, tools);
    if (outcome.result === 'success') return undefined;
    const what = handler.exec ? `Exec lifecycle hook (${JSON.stringify(handler.exec.command ?? [])})` : handler.httpGet ? `HTTP lifecycle hook (${handler.httpGet.path ?? '/'})` : 'TCP lifecycle hook';
    return `${what} for Container "${container.name}" in Pod "${podDescription(pod)}" failed - error: ${outcome.output}`;
  };
}
