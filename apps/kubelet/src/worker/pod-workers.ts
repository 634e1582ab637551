import { pods, type Pod } from '@skiff/api';
import { isNotFound, type TimerHandle } from '@skiff/client';
import { computePodStatus } from '../status/pod-status';
import type { StatusManager } from '../status/status-manager';
import { collectDeadInstances, killPod, podGracePeriodSeconds, removePodFromRuntime, shortenStops } from './pod-killer';
import { newSyncState, syncRunningPod, type PodSyncState } from './pod-sync';
import { addTerminationMessages, podRuntimeStatus, type PodRuntimeStatus } from '../runtime/pod-runtime-status';
import type { PodSyncDeps } from './sync-deps';

export interface PodWorkersOptions {
  statuses: StatusManager;
  /** A pod with nothing pending is looked at again this often (Kubernetes: about 10 s). */
  resyncMs?: number;
  /** Static pods live only on this node: no final delete through the API. */
  isStatic?(pod: Pod): boolean;
}

type Lifecycle = 'running' | 'terminated';

interface Worker {
  pod: Pod;
  /** The pod is gone from the API (or its manifest is gone): tear it down without writing to the API. */
  removed: boolean;
  lifecycle: Lifecycle;
  state: PodSyncState;
  busy?: Promise<void>;
  again: boolean;
  /** The grace period the termination in progress stops containers with. */
  killGraceSeconds?: number;
  timer?: TimerHandle;
}

const terminalPhases = new Set(['Succeeded', 'Failed']);

/**
 * One worker per pod, as in the kubelet: passes over a pod never overlap, a wake during a pass runs one more
 * pass after it, and each pass ends by scheduling the next (a back-off ending, or the periodic resync). A pod
 * runs, then terminates (deleted, or finished for good), then is removed from the runtime once the API is done
 * with it.
 */
export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  constructor(
    private readonly d: PodSyncDeps,
    private readonly o: PodWorkersOptions,
  ) {}

  /** The desired pod changed (or was first seen). */
  update(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const w = this.workers.get(uid);
    if (w) {
      const wake = w.pod.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp || JSON.stringify(w.pod.spec) !== JSON.stringify(pod.spec);
      w.pod = pod;
      const grace = pod.metadata.deletionGracePeriodSeconds;
      if (grace !== undefined && w.killGraceSeconds !== undefined && grace < w.killGraceSeconds) {
        // A second delete with a shorter grace period cuts the termination in progress short, as in Kubernetes.
        w.killGraceSeconds = grace;
        void shortenStops(pod, this.d, grace);
      }
      if (wake) this.wake(uid);
      return;
    }
    this.workers.set(uid, { pod, removed: false, lifecycle: 'running', state: newSyncState(), again: false });
    this.wake(uid);
  }

  /** The pod is gone from the API: stop whatever still runs and clean up. */
  remove(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const w = this.workers.get(uid);
    if (!w) {
      this.workers.set(uid, { pod, removed: true, lifecycle: 'terminated', state: newSyncState(), again: false });
    } else {
      w.pod = pod;
      w.removed = true;
    }
    this.wake(uid);
  }

  /** Something about the pod's containers changed (an exit, a probe result): look again now. */
  wake(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.busy) {
      w.again = true;
      return;
    }
    if (w.timer !== undefined) this.d.clock.clearTimer(w.timer);
    w.timer = undefined;
    w.busy = this.pass(uid, w).finally(() => {
      w.busy = undefined;
      if (w.again && this.workers.get(uid) === w) {
        w.again = false;
        this.wake(uid);
      }
    });
  }

  /** A liveness or startup probe failed for this container: the next pass restarts it. */
  markUnhealthy(uid: string, containerId: string, message: string): void {
    const w = this.workers.get(uid);
    if (!w) return;
    w.state.unhealthy.set(containerId, message);
    this.wake(uid);
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  pods(): Pod[] {
    return [...this.workers.values()].filter((w) => !w.removed).map((w) => w.pod);
  }

  podByUid(uid: string): Pod | undefined {
    return this.workers.get(uid)?.pod;
  }

  /** Waits for passes in flight and stops scheduling new ones. Containers keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer !== undefined) this.d.clock.clearTimer(w.timer);
    await Promise.all([...this.workers.values()].map((w) => w.busy));
  }

  /** Resolves when no pass is running (for tests). */
  async idle(): Promise<void> {
    while ([...this.workers.values()].some((w) => w.busy)) await Promise.all([...this.workers.values()].map((w) => w.busy));
  }

  private schedule(uid: string, w: Worker, ms: number): void {
    if (this.stopped || this.workers.get(uid) !== w) return;
    if (w.timer !== undefined) this.d.clock.clearTimer(w.timer);
    w.timer = this.d.clock.setTimer(() => {
      w.timer = undefined;
      this.wake(uid);
    }, ms);
  }

  private async pass(uid: string, w: Worker): Promise<void> {
    const resync = this.o.resyncMs ?? 10_000;
    try {
      if (w.removed) {
        if (w.lifecycle !== 'terminated') await killPod(w.pod, this.d, w.pod.metadata.deletionGracePeriodSeconds ?? undefined);
        await removePodFromRuntime(uid, this.d);
        this.o.statuses.forget(uid);
        this.workers.delete(uid);
        return;
      }
      if (w.pod.metadata.deletionTimestamp) {
        await this.terminate(w);
        await this.finalDelete(w);
        return;
      }
      if (w.lifecycle !== 'terminated' && terminalPhases.has(w.pod.status?.phase ?? '')) {
        // Finished pods never run again, even after a kubelet restart: only make sure nothing still runs.
        await killPod(w.pod, this.d);
        w.lifecycle = 'terminated';
      }
      if (w.lifecycle === 'terminated') {
        this.schedule(uid, w, resync);
        return;
      }
      const result = await syncRunningPod(w.pod, w.state, this.d);
      let runtime = result.runtime;
      let status = await this.status(w, runtime);
      if (terminalPhases.has(status.phase ?? '')) {
        // A pod that finished for good keeps its containers for logs but gives up its sandbox.
        await killPod(w.pod, this.d);
        w.lifecycle = 'terminated';
        runtime = await podRuntimeStatus(this.d.runtime, uid);
        status = await this.status(w, runtime);
      }
      const stored = await this.o.statuses.setStatus(w.pod, status);
      if (stored && stored.metadata.uid === uid) w.pod = { ...w.pod, status: stored.status };
      await collectDeadInstances(runtime, this.d);
      this.schedule(uid, w, result.retryInMs ?? resync);
    } catch (e) {
      this.d.logger.warn(`syncing pod ${w.pod.metadata.namespace}/${w.pod.metadata.name} failed: ${(e as Error).message}`);
      this.schedule(uid, w, 2_000);
    }
  }

  /** The pod's status from what the runtime holds; termination messages are read only here, where they are shown. */
  private async status(w: Worker, runtime: PodRuntimeStatus) {
    await addTerminationMessages(runtime);
    return computePodStatus({
      pod: w.pod,
      runtime,
      nowMs: this.d.clock.now(),
      runtimeName: this.d.runtimeName,
      hostIPs: this.d.hostIPs,
      waiting: w.state.waiting,
      isReady: (name, id) => this.d.probes.isReady(w.pod.metadata.uid!, name, id),
      isStarted: (name, id) => this.d.probes.isStarted(w.pod.metadata.uid!, name, id),
      terminal: w.lifecycle === 'terminated',
    });
  }

  /** Stops the pod's containers within its grace period and reports their final state. */
  private async terminate(w: Worker): Promise<void> {
    if (w.lifecycle === 'terminated') return;
    w.killGraceSeconds = podGracePeriodSeconds(w.pod);
    await killPod(w.pod, this.d, w.killGraceSeconds);
    w.killGraceSeconds = undefined;
    w.lifecycle = 'terminated';
    const status = await this.status(w, await podRuntimeStatus(this.d.runtime, w.pod.metadata.uid!));
    await this.o.statuses.setStatus(w.pod, status).catch(() => undefined);
  }

  /** With every container stopped, the kubelet finishes the deletion it was asked for (grace 0, same uid). */
  private async finalDelete(w: Worker): Promise<void> {
    const { namespace, name, uid } = w.pod.metadata;
    if (this.o.isStatic?.(w.pod)) {
      w.removed = true;
      this.wake(uid!);
      return;
    }
    try {
      await this.d.client.delete(pods, namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      if (!isNotFound(e)) {
        this.d.logger.warn(`deleting pod ${namespace}/${name} failed: ${(e as Error).message}`);
        this.schedule(uid!, w, 2_000);
      }
    }
    // The informer's delete event removes the worker; if it never comes, look again later.
    this.schedule(uid!, w, this.o.resyncMs ?? 10_000);
  }
}
