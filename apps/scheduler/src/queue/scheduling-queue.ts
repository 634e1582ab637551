import type { Pod } from '@skiff/api';
import { realClock, type Clock, type TimerHandle } from '@skiff/client';
import { PodInfo } from '../cache/pod-info';
import { registrationMatches, type ClusterEvent, type EventRegistration } from '../framework/cluster-event';
import type { Nominator } from '../framework/nominator';
import { KeyedHeap } from './keyed-heap';

/** A pod waiting to be scheduled, with what the queue remembers about its past attempts. */
export class QueuedPodInfo {
  attempts = 0;
  /** When it entered or re-entered the queue: the tie-breaker among equal priorities. */
  timestamp: number;
  /** When it last failed, for its backoff. */
  lastFailure = 0;
  /** Plugins that rejected it last time: only events they registered for move it out of unschedulable. */
  unschedulablePlugins = new Set<string>();
  /** Changed (by the user) while it was being scheduled, so its failure may be stale. */
  updatedInFlight = false;
  /** When it first entered the queue, for the end-to-end scheduling latency. */
  readonly initialTimestamp: number;

  constructor(
    public podInfo: PodInfo,
    now: number,
  ) {
    this.timestamp = now;
    this.initialTimestamp = now;
  }

  get key(): string {
    return this.podInfo.key;
  }
}

export interface QueueOptions {
  clock?: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods left in unschedulable this long are retried even without an event. Default 5 minutes. */
  maxUnschedulableMs?: number;
  /** Plugin name → the events it registered. */
  registrations: ReadonlyMap<string, EventRegistration[]>;
  nominator: Nominator;
}

export type QueueName = 'active' | 'backoff' | 'unschedulable';

/**
 * Kubernetes' scheduling queue: `active` (highest priority first, then oldest), `backoff` (pods that failed,
 * waiting 1 s doubling to 10 s per attempt) and `unschedulable` (pods that fit nowhere, parked until a cluster
 * event one of their rejecting plugins cares about, or 5 minutes).
 */
export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly active = new KeyedHeap<QueuedPodInfo>(
    (q) => q.key,
    (a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp),
  );
  private readonly backoff = new KeyedHeap<QueuedPodInfo>(
    (q) => q.key,
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  );
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped and not yet finished: scheduling or binding. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private schedulingCycle = 0;
  /** The cycle in which the last move-worthy event happened: failures of pods popped before it retry soon. */
  private moveRequestCycle = -1;
  private backoffTimer?: { at: number; handle: TimerHandle };
  private leftoverTimer?: TimerHandle;
  private closed = false;

  constructor(private readonly o: QueueOptions) {
    this.clock = o.clock ?? realClock;
    this.initialBackoffMs = o.initialBackoffMs ?? 1000;
    this.maxBackoffMs = o.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = o.maxUnschedulableMs ?? 5 * 60_000;
  }

  /** Starts the periodic retry of pods left unschedulable too long. */
  run(): void {
    const tick = () => {
      if (this.closed) return;
      this.flushUnschedulableLeftover();
      this.leftoverTimer = this.clock.setTimer(tick, 30_000);
    };
    this.leftoverTimer = this.clock.setTimer(tick, 30_000);
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const info = new PodInfo(pod);
    this.o.nominator.add(info);
    if (this.inFlight.has(info.key)) return;
    this.removeFromQueues(info.key);
    this.pushActive(new QueuedPodInfo(info, this.clock.now()));
  }

  /** A pending pod changed; status-only changes (such as our own condition updates) do not requeue it. */
  update(oldPod: Pod, newPod: Pod): void {
    const info = new PodInfo(newPod);
    this.o.nominator.add(info);
    const key = info.key;
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.podInfo = info;
      if (specOrLabelsChanged(oldPod, newPod)) flying.updatedInFlight = true;
      return;
    }
    const queued = this.active.get(key) ?? this.backoff.get(key);
    if (queued) {
      queued.podInfo = info;
      if (this.active.has(key)) this.active.push(queued);
      else this.backoff.push(queued);
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      parked.podInfo = info;
      if (specOrLabelsChanged(oldPod, newPod)) {
        this.unschedulable.delete(key);
        this.requeue(parked);
      }
      return;
    }
    this.pushActive(new QueuedPodInfo(info, this.clock.now()));
  }

  delete(key: string): void {
    this.o.nominator.remove(key);
    this.inFlight.delete(key);
    this.removeFromQueues(key);
  }

  /** The next pod to schedule, waiting for one if none is ready; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const ready = this.tryPop();
    if (ready || this.closed) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  tryPop(): QueuedPodInfo | undefined {
    const q = this.active.pop();
    if (q) this.startAttempt(q);
    return q;
  }

  /** The scheduling cycle the last popped pod belongs to. */
  get cycle(): number {
    return this.schedulingCycle;
  }

  /** The pod was scheduled (assumed); it leaves the queue for good unless its binding fails. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The pod fits nowhere. It waits in unschedulable for a relevant event, unless an event (or a change to the pod
   * itself) arrived while it was being scheduled: then it only backs off, since it may fit now.
   */
  addUnschedulable(q: QueuedPodInfo, podCycle: number, plugins: Set<string>): void {
    if (!this.finishAttempt(q)) return;
    q.unschedulablePlugins = plugins;
    if (this.moveRequestCycle >= podCycle || q.updatedInFlight) this.pushBackoff(q);
    else this.unschedulable.set(q.key, q);
  }

  /** An error (not a misfit) happened, or the binding failed: retry after the backoff. */
  addBackoff(q: QueuedPodInfo): void {
    if (!this.finishAttempt(q)) return;
    q.unschedulablePlugins = new Set();
    this.pushBackoff(q);
  }

  /** A cluster event happened: pods it may help move on (to backoff if still backing off). */
  moveAllToActiveOrBackoff(event: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    for (const [key, q] of this.unschedulable) {
      if (!this.interestedIn(q, event)) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  pendingCounts(): Record<QueueName, number> {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** Where a pod is, for tests and diagnostics. */
  whereIs(key: string): QueueName | 'inFlight' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return this.inFlight.has(key) ? 'inFlight' : undefined;
  }

  close(): void {
    this.closed = true;
    if (this.backoffTimer) this.clock.clearTimer(this.backoffTimer.handle);
    if (this.leftoverTimer !== undefined) this.clock.clearTimer(this.leftoverTimer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  backoffDurationMs(q: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return d;
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.lastFailure + this.backoffDurationMs(q);
  }

  private interestedIn(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const plugin of q.unschedulablePlugins) {
      for (const r of this.o.registrations.get(plugin) ?? []) if (registrationMatches(r, event)) return true;
    }
    return false;
  }

  private startAttempt(q: QueuedPodInfo): void {
    this.schedulingCycle++;
    q.attempts++;
    q.updatedInFlight = false;
    this.inFlight.set(q.key, q);
  }

  /** False when the pod was deleted during its attempt, so it must not come back. */
  private finishAttempt(q: QueuedPodInfo): boolean {
    if (this.inFlight.get(q.key) !== q) return false;
    this.inFlight.delete(q.key);
    q.lastFailure = this.clock.now();
    q.timestamp = q.lastFailure;
    return true;
  }

  private requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.clock.now()) this.pushBackoff(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.startAttempt(q);
      waiter(q);
      return;
    }
    this.active.push(q);
  }

  private pushBackoff(q: QueuedPodInfo): void {
    this.backoff.push(q);
    this.armBackoffTimer();
  }

  private removeFromQueues(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  private armBackoffTimer(): void {
    const head = this.backoff.peek();
    if (!head || this.closed) return;
    const at = this.backoffExpiry(head);
    if (this.backoffTimer && this.backoffTimer.at <= at) return;
    if (this.backoffTimer) this.clock.clearTimer(this.backoffTimer.handle);
    const handle = this.clock.setTimer(() => {
      this.backoffTimer = undefined;
      this.flushBackoffCompleted();
    }, at - this.clock.now());
    this.backoffTimer = { at, handle };
  }

  private flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let head = this.backoff.peek(); head && this.backoffExpiry(head) <= now; head = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(head);
    }
    this.armBackoffTimer();
  }

  private flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.lastFailure < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }
}

/** Whether a user-visible part of the pod changed: anything but status and the server-maintained metadata. */
export function specOrLabelsChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = p.metadata as Pod['metadata'] & { managedFields?: unknown };
    return JSON.stringify([meta, p.spec]);
  };
  return strip(a) !== strip(b);
}
