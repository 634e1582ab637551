import { sleep, type Clock } from '@skiff/client';
import type { ContainerRuntime } from '@skiff/cri';
import type { Logger } from '@skiff/logging';
import { podUidLabel } from './pod-runtime-status';

/**
 * The pod lifecycle event generator: relists the runtime's sandboxes and containers every second and tells the
 * pod workers about every pod whose containers or sandboxes changed state (a crash, an exit, a new sandbox), so
 * they react within about a second without waiting for their resync. It also reports every pod uid the
 * runtime holds, which housekeeping uses to find pods the API no longer has.
 */
export class PodLifecycleEventGenerator {
  private last = new Map<string, string>();
  private runtimePods = new Set<string>();
  private healthyAtMs = 0;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onChange: (podUid: string) => void,
    private readonly periodMs = 1_000,
  ) {}

  /** Pod uids seen in the runtime at the last relist. */
  podsInRuntime(): ReadonlySet<string> {
    return this.runtimePods;
  }

  /** False when relisting has failed for a while (the runtime is down): the node is then not ready. */
  healthy(thresholdMs = 3 * 60_000): boolean {
    return this.clock.now() - this.healthyAtMs < thresholdMs;
  }

  async relist(): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.runtime.listPodSandbox(), this.runtime.listContainers()]);
    const next = new Map<string, string>();
    const uids = new Set<string>();
    for (const s of sandboxes) {
      const uid = s.labels[podUidLabel] ?? s.metadata.uid;
      if (!uid) continue;
      uids.add(uid);
      next.set(`s/${s.id}`, `${uid}|${s.state}`);
    }
    for (const c of containers) {
      const uid = c.labels[podUidLabel];
      if (!uid) continue;
      uids.add(uid);
      next.set(`c/${c.id}`, `${uid}|${c.state}`);
    }
    const changed = new Set<string>();
    for (const [id, v] of next) if (this.last.get(id) !== v) changed.add(v.split('|')[0]);
    for (const [id, v] of this.last) if (!next.has(id)) changed.add(v.split('|')[0]);
    this.last = next;
    this.runtimePods = uids;
    this.healthyAtMs = this.clock.now();
    for (const uid of changed) this.onChange(uid);
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.relist();
      } catch (e) {
        this.logger.warn(`relisting the container runtime failed: ${(e as Error).message}`);
      }
      await sleep(this.clock, this.periodMs, signal);
    }
  }
}
