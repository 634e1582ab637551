import type { Container, Pod } from '@skiff/api';
import type { ContainerStatus as RuntimeContainerStatus } from '@skiff/cri';
import { podRuntimeStatus, type PodRuntimeStatus } from '../runtime/pod-runtime-status';
import type { PodSyncDeps } from './sync-deps';

/** Kubernetes never gives a container less than this to stop, whatever the grace period says. */
export const minimumGracePeriodSeconds = 2;

export type StopCause = 'delete' | 'liveness' | 'spec' | 'hook' | 'orphan';

/** The pod's grace period: a deletion's own, else the spec's, else 30 s. */
export function podGracePeriodSeconds(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

/**
 * Stops one container the way the kubelet does: run its preStop hook, then ask the runtime to stop it with
 * what is left of the grace period (SIGTERM, then SIGKILL when the time is up).
 */
export async function stopContainerGracefully(
  pod: Pod,
  spec: Container | undefined,
  status: RuntimeContainerStatus,
  message: string,
  d: PodSyncDeps,
  cause: StopCause,
  graceSeconds?: number,
): Promise<void> {
  if (status.state !== 'CONTAINER_RUNNING' && status.state !== 'CONTAINER_CREATED') return;
  const probeGrace = cause === 'liveness' ? spec?.livenessProbe?.terminationGracePeriodSeconds ?? spec?.startupProbe?.terminationGracePeriodSeconds : undefined;
  const grace = Math.max(minimumGracePeriodSeconds, graceSeconds ?? probeGrace ?? podGracePeriodSeconds(pod));
  const started = d.clock.now();
  d.record(pod, 'Normal', 'Killing', message);
  const preStop = spec?.lifecycle?.preStop;
  if (preStop && status.state === 'CONTAINER_RUNNING' && cause !== 'hook') {
    const failure = await d.runHook(pod, spec!, status.id, preStop, pod.status?.podIP, grace * 1000);
    if (failure) d.record(pod, 'Warning', 'FailedPreStopHook', failure);
  }
  const left = Math.max(minimumGracePeriodSeconds, Math.ceil(grace - (d.clock.now() - started) / 1000));
  try {
    await d.runtime.stopContainer(status.id, left);
  } catch (e) {
    d.logger.warn(`stopping container ${status.id} of ${pod.metadata.namespace}/${pod.metadata.name} failed: ${(e as Error).message}`);
  }
  if (spec) d.probes.containerStopped(pod.metadata.uid!, spec.name);
}

/** Stops every container of the pod in parallel, then its sandboxes. Containers and sandboxes stay for status/GC. */
export async function killPod(pod: Pod, d: PodSyncDeps, graceSeconds?: number): Promise<void> {
  const uid = pod.metadata.uid!;
  const rs = await podRuntimeStatus(d.runtime, uid);
  const specs = new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c]));
  await Promise.all(
    rs.containers.map((c) => stopContainerGracefully(pod, specs.get(c.metadata.name), c, `Stopping container ${c.metadata.name}`, d, 'delete', graceSeconds)),
  );
  for (const s of rs.sandboxes) {
    if (s.state !== 'SANDBOX_READY') continue;
    try {
      await d.runtime.stopPodSandbox(s.id);
    } catch (e) {
      d.logger.warn(`stopping sandbox ${s.id} of ${pod.metadata.namespace}/${pod.metadata.name} failed: ${(e as Error).message}`);
    }
  }
  d.probes.removePod(uid);
}

/** Asks the runtime again to stop the pod's running containers, now with a shorter grace period (no hooks). */
export async function shortenStops(pod: Pod, d: PodSyncDeps, graceSeconds: number): Promise<void> {
  const rs = await podRuntimeStatus(d.runtime, pod.metadata.uid!).catch(() => undefined);
  const timeout = Math.max(minimumGracePeriodSeconds, graceSeconds);
  await Promise.all((rs?.containers ?? []).filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => d.runtime.stopContainer(c.id, timeout).catch(() => undefined)));
}

/** Removes every container and sandbox of a pod that is gone, and its volumes. */
export async function removePodFromRuntime(uid: string, d: PodSyncDeps): Promise<void> {
  const rs = await podRuntimeStatus(d.runtime, uid);
  for (const c of rs.containers) {
    if (c.state === 'CONTAINER_RUNNING') await d.runtime.stopContainer(c.id, minimumGracePeriodSeconds).catch(() => undefined);
    await d.runtime.removeContainer(c.id).catch(() => undefined);
  }
  for (const s of rs.sandboxes) {
    await d.runtime.stopPodSandbox(s.id).catch(() => undefined);
    await d.runtime.removePodSandbox(s.id).catch(() => undefined);
  }
  await d.volumes.tearDownPod(uid);
  d.crashBackoff.forgetPrefix(`${uid}/`);
  d.probes.removePod(uid);
  d.config.forgetPod?.(uid);
}

/**
 * Garbage collection of one pod's dead instances: for each container name keep the newest two (the running or
 * last one, and the one before it for `logs --previous`), and keep only the newest sandbox.
 */
export async function collectDeadInstances(rs: PodRuntimeStatus, d: PodSyncDeps): Promise<void> {
  const seen = new Map<string, number>();
  for (const c of rs.containers) {
    const n = (seen.get(c.metadata.name) ?? 0) + 1;
    seen.set(c.metadata.name, n);
    if (n > 2 && c.state === 'CONTAINER_EXITED') await d.runtime.removeContainer(c.id).catch(() => undefined);
  }
  // Removing a sandbox removes the containers in it, so only sandboxes older than the newest go.
  for (const s of rs.sandboxes.slice(1)) {
    if (s.state !== 'SANDBOX_READY') await d.runtime.removePodSandbox(s.id).catch(() => undefined);
  }
}
