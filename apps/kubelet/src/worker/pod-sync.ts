import type { Container, Pod } from '@skiff/api';
import type { ContainerStatus as RuntimeContainerStatus, PodSandboxConfig, PodSandboxStatus } from '@skiff/cri';
import { containerInstances, podRuntimeStatus, type PodRuntimeStatus } from '../runtime/pod-runtime-status';
import type { Waiting } from '../status/pod-status';
import { containerHashAnnotation } from '../pod/container-config';
import { containerHash } from '../pod/container-hash';
import { stopContainerGracefully } from './pod-killer';
import type { PodSyncDeps } from './sync-deps';

/** What one pass over a pod leaves behind for the worker. */
export interface SyncResult {
  runtime: PodRuntimeStatus;
  /** Come back after this many ms (a back-off ending, a container still starting); undefined: the usual resync. */
  retryInMs?: number;
}

/** The worker's memory of a pod between passes: why containers wait, liveness kills asked for. */
export interface PodSyncState {
  waiting: Map<string, Waiting>;
  /** Container ids the prober found unhealthy; the next pass restarts them. */
  unhealthy: Map<string, string>;
}

export function newSyncState(): PodSyncState {
  return { waiting: new Map(), unhealthy: new Map() };
}

const minRetryMs = 1_000;

function soonest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export function podDescription(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/**
 * One reconcile pass of a running pod against the runtime, as the kubelet's SyncPod does: make the sandbox
 * (again, if it died), run init containers in order, start or restart the app containers as the restart
 * policy and the crash back-off allow, and restart containers whose spec changed or that failed liveness.
 */
export async function syncRunningPod(pod: Pod, state: PodSyncState, d: PodSyncDeps): Promise<SyncResult> {
  const uid = pod.metadata.uid!;
  let rs = await podRuntimeStatus(d.runtime, uid);
  let sandbox: PodSandboxStatus | undefined = rs.sandboxes[0];
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const regularNames = new Set((pod.spec?.containers ?? []).map((c) => c.name));

  if (!sandbox || sandbox.state !== 'SANDBOX_READY') {
    const ranBefore = rs.containers.some((c) => regularNames.has(c.metadata.name));
    if (sandbox) {
      // The sandbox died under its containers: stop what is left, then make a new one (unless the pod is done).
      for (const c of rs.containers.filter((c) => c.state === 'CONTAINER_RUNNING')) await d.runtime.stopContainer(c.id, 0).catch(() => undefined);
      if (restartPolicy !== 'Never' || !ranBefore) d.record(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    }
    if (sandbox && restartPolicy === 'Never' && ranBefore) return { runtime: await podRuntimeStatus(d.runtime, uid) };
    const attempt = sandbox ? sandbox.metadata.attempt + 1 : 0;
    const made = await createSandbox(pod, attempt, d);
    if ('retryInMs' in made) return { runtime: rs, retryInMs: made.retryInMs };
    rs = await podRuntimeStatus(d.runtime, uid);
    sandbox = rs.sandboxes.find((s) => s.id === made.id) ?? rs.sandboxes[0];
  }
  const sandboxConfig = d.config.sandboxConfig(pod, sandbox.metadata.attempt);
  const podIP = pod.spec?.hostNetwork ? d.hostIPs[0] : sandbox.network?.ip || undefined;
  let volumePaths: Map<string, string>;
  try {
    volumePaths = await d.volumes.setUpPod(pod);
  } catch (e) {
    d.record(pod, 'Warning', 'FailedMount', (e as Error).message);
    return { runtime: rs, retryInMs: 2_000 };
  }
  const ctx: StartContext = { pod, sandboxId: sandbox.id, sandboxConfig, podIP, volumePaths, state, d };

  let retryInMs: number | undefined;
  // Init containers run one at a time, in order; a sidecar (restartPolicy Always) only has to have started.
  const initialized = rs.containers.some((c) => regularNames.has(c.metadata.name));
  if (!initialized) {
    for (const c of pod.spec?.initContainers ?? []) {
      const sidecar = c.restartPolicy === 'Always';
      const { current } = containerInstances(rs, c.name);
      if (current?.state === 'CONTAINER_RUNNING') {
        d.probes.containerStarted(pod, c.name, current.id, current.startedAt / 1e6, podIP);
        if (sidecar && d.probes.isStarted(uid, c.name, current.id)) continue;
        return { runtime: rs, retryInMs: sidecar ? minRetryMs : undefined };
      }
      if (current?.state === 'CONTAINER_EXITED' && current.exitCode === 0 && !sidecar) continue;
      if (current?.state === 'CONTAINER_EXITED' && restartPolicy === 'Never' && !sidecar) {
        // A failed init container with restartPolicy Never fails the pod.
        return { runtime: rs };
      }
      retryInMs = soonest(retryInMs, await startOrRestart(ctx, c, current));
      return { runtime: await podRuntimeStatus(d.runtime, uid), retryInMs: soonest(retryInMs, minRetryMs) };
    }
  }

  for (const c of pod.spec?.containers ?? []) {
    let { current } = containerInstances(rs, c.name);
    if (current?.state === 'CONTAINER_RUNNING') {
      const unhealthy = state.unhealthy.get(current.id);
      const changed = current.annotations[containerHashAnnotation] !== undefined && current.annotations[containerHashAnnotation] !== containerHash(c);
      if (!unhealthy && !changed) {
        state.waiting.delete(c.name);
        d.probes.containerStarted(pod, c.name, current.id, current.startedAt / 1e6, podIP);
        continue;
      }
      const why = unhealthy ?? `Container ${c.name} definition changed, will be restarted`;
      await stopContainerGracefully(pod, c, current, why, d, unhealthy ? 'liveness' : 'spec');
      state.unhealthy.delete(current.id);
      current = (await podRuntimeStatus(d.runtime, uid).then((s) => containerInstances(s, c.name))).current;
      if (restartPolicy === 'Never') continue;
      // A container stopped for failing liveness restarts at once; back-off applies to later crashes.
      retryInMs = soonest(retryInMs, await startContainer(ctx, c, (current?.metadata.attempt ?? -1) + 1));
      continue;
    }
    if (current?.state === 'CONTAINER_EXITED') {
      const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && current.exitCode !== 0);
      if (!restart) {
        state.waiting.delete(c.name);
        continue;
      }
    }
    retryInMs = soonest(retryInMs, await startOrRestart(ctx, c, current));
  }
  return { runtime: await podRuntimeStatus(d.runtime, uid), retryInMs };
}

async function createSandbox(pod: Pod, attempt: number, d: PodSyncDeps): Promise<{ id: string } | { retryInMs: number }> {
  const uid = pod.metadata.uid!;
  try {
    await d.volumes.setUpPod(pod);
  } catch (e) {
    d.record(pod, 'Warning', 'FailedMount', (e as Error).message);
    return { retryInMs: 2_000 };
  }
  const config = d.config.sandboxConfig(pod, attempt);
  try {
    return { id: await d.runtime.runPodSandbox(config) };
  } catch (e) {
    d.record(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
    // A failed RunPodSandbox can leave a half-made sandbox that must be removed before the next try.
    const leftovers = await d.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid }, state: { state: 'SANDBOX_NOTREADY' } }).catch(() => []);
    for (const s of leftovers) {
      await d.runtime.stopPodSandbox(s.id).catch(() => undefined);
      await d.runtime.removePodSandbox(s.id).catch(() => undefined);
    }
    const key = `${uid}/sandbox`;
    d.crashBackoff.next(key);
    return { retryInMs: Math.max(minRetryMs, d.crashBackoff.remaining(key)) };
  }
}

interface StartContext {
  pod: Pod;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  podIP: string | undefined;
  volumePaths: Map<string, string>;
  state: PodSyncState;
  d: PodSyncDeps;
}

/** Starts a container that never ran, or restarts one that exited once its crash back-off has passed. */
async function startOrRestart(ctx: StartContext, c: Container, current: RuntimeContainerStatus | undefined): Promise<number | undefined> {
  const { pod, d } = ctx;
  if (!current) return startContainer(ctx, c, 0);
  if (current.state === 'CONTAINER_CREATED' || current.state === 'CONTAINER_UNKNOWN') {
    // Created but never started (a start that failed): remove it and make it again under the same attempt.
    await d.runtime.removeContainer(current.id).catch(() => undefined);
    return startContainer(ctx, c, current.metadata.attempt);
  }
  const key = `${pod.metadata.uid}/${c.name}`;
  const finishedMs = current.finishedAt / 1e6;
  const wait = d.crashBackoff.remaining(key, finishedMs);
  if (wait > 0) {
    const delay = Math.round(d.crashBackoff.delay(key) / 1000);
    ctx.state.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${formatSeconds(delay)} restarting failed container=${c.name} pod=${podDescription(pod)}` });
    d.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDescription(pod)}`);
    return wait;
  }
  d.crashBackoff.next(key);
  return startContainer(ctx, c, current.metadata.attempt + 1);
}

function formatSeconds(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : '0s'}` : `${s}s`;
}

/** Pull, configure, create and start one container instance; failures become the container's waiting reason. */
async function startContainer(ctx: StartContext, c: Container, attempt: number): Promise<number | undefined> {
  const { pod, d, state } = ctx;
  const image = await d.images.ensureImage(pod, c, ctx.sandboxConfig);
  if (!('imageRef' in image)) {
    state.waiting.set(c.name, { reason: image.reason, message: image.message });
    // Right after a failed pull look again soon (the status moves on to ImagePullBackOff), then when the back-off ends.
    if (image.reason === 'ErrImagePull') return minRetryMs;
    return image.reason === 'ImagePullBackOff' ? Math.max(minRetryMs, d.images.retryInMs(pod, c)) : undefined;
  }
  let envs;
  try {
    envs = await d.config.environment(pod, c, ctx.podIP);
  } catch (e) {
    const message = (e as Error).message;
    state.waiting.set(c.name, { reason: 'CreateContainerConfigError', message });
    d.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    return 5_000;
  }
  let config;
  try {
    const mounts = d.volumes.mountsFor(pod, c, ctx.volumePaths, envs);
    config = await d.config.containerConfig(pod, c, { attempt, imageRef: image.imageRef, imageUser: image.user, envs, mounts, podIP: ctx.podIP });
  } catch (e) {
    const message = (e as Error).message;
    state.waiting.set(c.name, { reason: 'CreateContainerConfigError', message });
    d.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    return 5_000;
  }
  let id: string;
  try {
    id = await d.runtime.createContainer(ctx.sandboxId, config, ctx.sandboxConfig);
  } catch (e) {
    const message = (e as Error).message;
    state.waiting.set(c.name, { reason: 'CreateContainerError', message });
    d.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    return 5_000;
  }
  d.record(pod, 'Normal', 'Created', `Created container ${c.name}`);
  try {
    await d.runtime.startContainer(id);
  } catch (e) {
    const message = (e as Error).message;
    state.waiting.set(c.name, { reason: 'RunContainerError', message });
    d.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    d.crashBackoff.next(`${pod.metadata.uid}/${c.name}`);
    return minRetryMs;
  }
  d.record(pod, 'Normal', 'Started', `Started container ${c.name}`);
  state.waiting.delete(c.name);
  d.probes.containerStarted(pod, c.name, id, d.clock.now(), ctx.podIP);
  const postStart = c.lifecycle?.postStart;
  if (postStart) {
    const failure = await d.runHook(pod, c, id, postStart, ctx.podIP, (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000);
    if (failure) {
      d.record(pod, 'Warning', 'FailedPostStartHook', failure);
      const status = await d.runtime.containerStatus(id).catch(() => undefined);
      if (status) await stopContainerGracefully(pod, c, status, `FailedPostStartHook`, d, 'hook');
    }
  }
  return undefined;
}
