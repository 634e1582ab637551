import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { namespaces, nodes, poddisruptionbudgets, pods, type Namespace, type Node, type Pod, type PodDisruptionBudget } from '@skiff/api';
import { EventRecorder, Informer, isNotFound, realClock, type Clock, type KubeClient } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import type { PodInfo } from '../cache/pod-info';
import { SchedulerCache } from '../cache/scheduler-cache';
import type { CycleState } from '../framework/cycle-state';
import { fitErrorMessage, type Diagnosis } from '../framework/fit-error';
import type { Framework } from '../framework/framework';
import { Nominator } from '../framework/nominator';
import { Status } from '../framework/status';
import type { SchedulerMetrics } from '../metrics';
import { defaultFramework } from '../plugins/default-plugins';
import { SchedulingQueue, type QueuedPodInfo } from '../queue/scheduling-queue';
import { ClusterEventHandlers } from './cluster-event-handlers';
import { PodStatusWriter } from './pod-status-writer';
import { PodScheduler } from './schedule-pod';
import { SchedulingEvents } from './scheduling-events';

export interface SchedulerConfig {
  client: KubeClient;
  schedulerName: string;
  /** 0 = adaptive, as Kubernetes' default. */
  percentageOfNodesToScore: number;
  logger: Logger;
  metrics: SchedulerMetrics;
  clock?: Clock;
  /** Bindings kept in flight at once before the scheduling loop waits. Default 256. */
  maxBindsInFlight?: number;
  random?: () => number;
}

/** The longest the loop computes before letting informer events in. */
const sliceMs = 10;

/**
 * The scheduler: informers feed a cache and a queue; one loop pops the highest-priority pending pod, filters and
 * scores nodes synchronously against the cache, assumes the pod onto the chosen node and starts the binding
 * without waiting for it, so many bindings are in flight while the next pods are placed.
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly nominator = new Nominator();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  private readonly podScheduler: PodScheduler;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly namespaceInformer: Informer<Namespace>;
  private readonly budgetInformer: Informer<PodDisruptionBudget>;
  private readonly statusWriter: PodStatusWriter;
  private readonly events: SchedulingEvents;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxBindsInFlight: number;
  private bindsInFlight = 0;
  private readonly bindWaiters: (() => void)[] = [];
  private readonly bindings = new Set<Promise<void>>();

  constructor(private readonly c: SchedulerConfig) {
    this.clock = c.clock ?? realClock;
    this.log = c.logger;
    this.maxBindsInFlight = c.maxBindsInFlight ?? 256;
    const informerOpts = { clock: this.clock };
    // Finished pods hold no resources: leaving them out of the watch is what Kubernetes does too.
    this.podInformer = new Informer<Pod>(c.client, pods, { ...informerOpts, fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed', logger: c.logger.child({ informer: 'pods' }) });
    this.nodeInformer = new Informer<Node>(c.client, nodes, { ...informerOpts, logger: c.logger.child({ informer: 'nodes' }) });
    this.namespaceInformer = new Informer<Namespace>(c.client, namespaces, { ...informerOpts, logger: c.logger.child({ informer: 'namespaces' }) });
    this.budgetInformer = new Informer<PodDisruptionBudget>(c.client, poddisruptionbudgets, { ...informerOpts, logger: c.logger.child({ informer: 'poddisruptionbudgets' }) });
    this.statusWriter = new PodStatusWriter(c.client, this.clock, c.logger);
    const recorder = new EventRecorder(c.client, { component: c.schedulerName }, this.clock, { logger: c.logger });
    this.events = new SchedulingEvents(recorder, () => c.metrics.eventsDropped.inc());
    this.framework = defaultFramework({
      cache: this.cache,
      nominator: this.nominator,
      client: c.client,
      namespaceLabels: (ns) => this.namespaceInformer.lister.get(undefined, ns)?.metadata.labels,
      budgets: () => this.budgetInformer.lister.list(),
      preemption: {
        preempt: (victim, preemptor, nodeName) => this.preempt(victim, preemptor, nodeName),
        clearNomination: async (displaced) => {
          await Promise.all(displaced.map((p) => this.statusWriter.clearNomination(this.latest(p.pod))));
        },
      },
      random: c.random,
    });
    this.queue = new SchedulingQueue({ clock: this.clock, registrations: this.framework.eventRegistrations(), nominator: this.nominator });
    this.podScheduler = new PodScheduler(this.cache, this.framework, c.percentageOfNodesToScore, c.random);
    const handlers = new ClusterEventHandlers(this.cache, this.queue, c.schedulerName);
    this.podInformer.addEventHandler(handlers.pods());
    this.nodeInformer.addEventHandler(handlers.nodes());
    this.namespaceInformer.addEventHandler(handlers.namespaces());
    c.metrics.pendingSource = () => this.queue.pendingCounts();
    c.metrics.cacheSource = () => ({ nodes: this.cache.nodeCount, pods: this.cache.podCount });
    c.metrics.eventBacklogSource = () => this.events.backlog;
  }

  /** Starts the informers; resolves true once every cache has its first list. */
  async startInformers(signal?: AbortSignal): Promise<boolean> {
    const all = [this.nodeInformer, this.namespaceInformer, this.budgetInformer, this.podInformer];
    for (const i of all) i.start();
    const synced = await Promise.all(all.map((i) => i.waitForSync(signal)));
    return synced.every(Boolean);
  }

  /** Schedules until the signal aborts, then waits for the bindings in flight. */
  async run(signal: AbortSignal): Promise<void> {
    this.queue.run();
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    let sliceStart = performance.now();
    while (!signal.aborted) {
      let next = this.queue.tryPop();
      if (!next) {
        next = await this.queue.pop();
        sliceStart = performance.now();
      }
      if (!next) break;
      try {
        await this.scheduleOne(next);
      } catch (err) {
        // A bug in one pod's attempt must not stop scheduling for everyone: log it and retry the pod later.
        this.log.error('scheduling attempt failed unexpectedly', { pod: next.key, error: (err as Error).stack });
        this.cache.forgetPod(next.key);
        this.queue.addBackoff(next);
      }
      if (this.bindsInFlight >= this.maxBindsInFlight) await new Promise<void>((resolve) => this.bindWaiters.push(resolve));
      if (performance.now() - sliceStart > sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    await Promise.allSettled([...this.bindings]);
    await this.events.flush();
  }

  stopInformers(): void {
    for (const i of [this.podInformer, this.nodeInformer, this.namespaceInformer, this.budgetInformer]) i.stop();
  }

  private async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const pi = q.podInfo;
    // Being deleted, or already placed (by us, or bound meanwhile): nothing to do.
    if (pi.terminating || pi.nodeName || this.cache.isAssumed(pi.key)) {
      this.queue.done(pi.key);
      return;
    }
    const started = performance.now();
    const cycle = this.queue.cycle;
    const state = this.framework.newCycleState();
    let outcome;
    try {
      outcome = this.podScheduler.schedule(state, pi);
    } catch (err) {
      this.log.error('scheduling cycle failed', { pod: pi.key, error: (err as Error).stack });
      outcome = { kind: 'error' as const, status: Status.error((err as Error).message) };
    }
    if (outcome.kind === 'scheduled') {
      this.cache.assumePod(pi, outcome.nodeName);
      const reserve = this.framework.runReserve(state, pi, outcome.nodeName);
      if (reserve) {
        this.cache.forgetPod(pi.key);
        this.framework.runUnreserve(state, pi, outcome.nodeName);
        this.fail(q, reserve, started);
        return;
      }
      this.nominator.remove(pi.key);
      this.observeAttempt('scheduled', started);
      // winston formats a line before dropping it by level, so the per-pod line is only built when wanted.
      if (this.log.isDebugEnabled()) {
        this.log.debug('pod scheduled', { pod: pi.key, node: outcome.nodeName, evaluatedNodes: outcome.evaluatedNodes, feasibleNodes: outcome.feasibleNodes });
      }
      this.startBinding(q, state, outcome.nodeName);
      return;
    }
    if (outcome.kind === 'error') {
      this.fail(q, outcome.status, started);
      return;
    }
    await this.handleUnschedulable(q, state, outcome.diagnosis, outcome.numAllNodes, cycle, started);
  }

  private async handleUnschedulable(
    q: QueuedPodInfo,
    state: CycleState,
    diagnosis: Diagnosis,
    numAllNodes: number,
    cycle: number,
    started: number,
  ): Promise<void> {
    const pi = q.podInfo;
    const everyNode = new Map<string, Status>();
    for (const node of this.cache.nodeInfos()) {
      const s = diagnosis.nodeToStatus.get(node.name) ?? diagnosis.absentNodesStatus;
      if (s) everyNode.set(node.name, s);
    }
    let nominated: string | undefined;
    this.c.metrics.preemptionAttempts.inc();
    try {
      const post = await this.framework.runPostFilter(state, pi, everyNode);
      if (post?.status.isSuccess()) nominated = post.nominatedNodeName;
      else if (post) {
        diagnosis.postFilterMessage = post.status.message();
        nominated = post.nominatedNodeName;
      }
    } catch (err) {
      this.log.warn('preemption failed', { pod: pi.key, error: (err as Error).message });
    }
    if (nominated) this.nominator.add(pi, nominated);
    else if (nominated === '') this.nominator.remove(pi.key);
    const message = fitErrorMessage(numAllNodes, diagnosis);
    this.queue.addUnschedulable(q, cycle, diagnosis.unschedulablePlugins);
    this.observeAttempt('unschedulable', started);
    this.log.info('unable to schedule pod', { pod: pi.key, reason: message, nominatedNode: nominated });
    this.events.record(pi.pod, 'Warning', 'FailedScheduling', message);
    void this.statusWriter.setCondition(this.latest(pi.pod), { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }, nominated);
  }

  /** An error rather than a misfit: back off and retry, and say so on the pod. */
  private fail(q: QueuedPodInfo, status: Status, started: number): void {
    const pi = q.podInfo;
    this.queue.addBackoff(q);
    this.observeAttempt('error', started);
    const message = status.message();
    this.log.warn('error scheduling pod; retrying', { pod: pi.key, error: message });
    this.events.record(pi.pod, 'Warning', 'FailedScheduling', message);
    void this.statusWriter.setCondition(this.latest(pi.pod), { type: 'PodScheduled', status: 'False', reason: 'SchedulerError', message });
  }

  private startBinding(q: QueuedPodInfo, state: CycleState, nodeName: string): void {
    this.bindsInFlight++;
    const binding = this.bind(q, state, nodeName).finally(() => {
      this.bindings.delete(binding);
      this.bindsInFlight--;
      this.bindWaiters.shift()?.();
    });
    this.bindings.add(binding);
  }

  private async bind(q: QueuedPodInfo, state: CycleState, nodeName: string): Promise<void> {
    const pi = q.podInfo;
    const started = performance.now();
    const status = await this.framework.runBind(state, pi, nodeName);
    this.c.metrics.bindingDuration.observe((performance.now() - started) / 1000);
    if (!status) {
      this.queue.done(pi.key);
      this.c.metrics.podSchedulingDuration.observe((this.clock.now() - q.initialTimestamp) / 1000);
      this.events.record(pi.pod, 'Normal', 'Scheduled', `Successfully assigned ${pi.key} to ${nodeName}`, true);
      return;
    }
    this.cache.forgetPod(pi.key);
    this.framework.runUnreserve(state, pi, nodeName);
    // The room the pod held is free again.
    this.queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Delete' });
    const latest = this.podInformer.lister.get(pi.namespace, pi.name);
    if (!latest || latest.spec.nodeName) {
      this.queue.done(pi.key);
      return;
    }
    this.log.warn('binding failed; retrying', { pod: pi.key, node: nodeName, error: status.message() });
    this.queue.addBackoff(q);
    this.events.record(pi.pod, 'Warning', 'FailedScheduling', `Binding rejected: ${status.message()}`);
  }

  /** Kubernetes' victim handling: DisruptionTarget condition, delete (the kubelet stops it gracefully), event. */
  private async preempt(victim: PodInfo, preemptor: PodInfo, nodeName: string): Promise<void> {
    const latest = this.latest(victim.pod);
    await this.statusWriter.setCondition(latest, {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${this.c.schedulerName}: preempting to accommodate a higher priority pod`,
    });
    try {
      await this.c.client.delete(pods, victim.namespace, victim.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.c.metrics.preemptionVictims.inc();
    this.log.info('preempted pod', { victim: victim.key, preemptor: preemptor.key, node: nodeName });
    this.events.record(latest, 'Normal', 'Preempted', `Preempted by pod ${preemptor.uid} on node ${nodeName}`);
  }

  /** The newest version of a pod the informer has, so status patches start from current conditions. */
  private latest(pod: Pod): Pod {
    return this.podInformer.lister.get(pod.metadata.namespace, pod.metadata.name ?? '') ?? pod;
  }

  private observeAttempt(result: 'scheduled' | 'unschedulable' | 'error', started: number): void {
    const profile = this.c.schedulerName;
    this.c.metrics.attempts.inc({ result, profile });
    this.c.metrics.attemptDuration.observe({ result, profile }, (performance.now() - started) / 1000);
  }
}
