import type { Pod } from '@skiff/api';
import { probeKillMessage, type ProbeManager, type ProbeResultEvent } from '../prober';
import type { ProbeTracker } from './sync-deps';

/**
 * Connects the prober to the pod workers: the workers report container starts and stops, and a liveness or
 * startup failure marks the container for restart while a readiness change just wakes the pod's worker.
 */
export class ProberTracker implements ProbeTracker {
  private readonly added = new Set<string>();

  constructor(private readonly manager: ProbeManager) {}

  /** Routes probe results to the workers (called once the workers exist). */
  connect(workers: { markUnhealthy(uid: string, containerId: string, message: string): void; wake(uid: string): void }): void {
    this.manager.on('result', (e: ProbeResultEvent) => {
      if (e.probeType !== 'readiness' && e.result === 'failure') workers.markUnhealthy(e.podUid, e.containerId, probeKillMessage(e.containerName, e.probeType));
      else workers.wake(e.podUid);
    });
  }

  containerStarted(pod: Pod, containerName: string, containerId: string, startedAtMs: number, podIP: string | undefined): void {
    const uid = pod.metadata.uid!;
    if (!this.added.has(uid)) {
      this.manager.addPod(pod);
      this.added.add(uid);
    }
    this.manager.containerStarted(uid, containerName, containerId, startedAtMs, podIP);
  }

  containerStopped(podUid: string, containerName: string): void {
    this.manager.containerStopped(podUid, containerName);
  }

  removePod(podUid: string): void {
    this.added.delete(podUid);
    this.manager.removePod(podUid);
  }

  isReady(podUid: string, containerName: string): boolean {
    return this.manager.isReady(podUid, containerName);
  }

  isStarted(podUid: string, containerName: string): boolean {
    return this.manager.isStarted(podUid, containerName);
  }
}
