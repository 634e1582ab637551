import { EventEmitter } from 'node:events';
import type { Container, Pod, Probe } from '@skiff/api';
import { realClock, type Clock } from '@skiff/client';
import { silentLogger, type Logger } from '@skiff/logging';
import type { Registry } from 'prom-client';
import type { ExecRunner } from './exec-probe';
import {
  probeErroredMessage,
  probeEventReasons,
  probeFailedMessage,
  probeWarningMessage,
  type ProbeEventSink,
} from './probe-events';
import { probeTypeTitle, type ProbeOutcome, type ProbeResult, type ProbeType } from './probe-outcome';
import { ProbeWorker, type ProbeResultChange } from './probe-worker';
import { ProberMetrics } from './prober-metrics';

/** What the pod worker hears from the prober: a container's liveness, readiness or startup result changed. */
export interface ProbeResultEvent {
  podUid: string;
  namespace: string;
  podName: string;
  containerName: string;
  containerId: string;
  probeType: ProbeType;
  result: ProbeResult;
  /** The settling probe run's output, e.g. `HTTP probe failed with statuscode: 500`. */
  output: string;
  /** A one-line summary, e.g. `Liveness probe failed: HTTP probe failed with statuscode: 500`. */
  message: string;
  /** The probe's own grace period for the kill a liveness or startup failure causes; unset means the pod's. */
  terminationGracePeriodSeconds?: number;
}

export interface ProbeManagerOptions {
  runtime: ExecRunner;
  clock?: Clock;
  /** Where `prober_probe_total` is registered; no metrics are exported without one. */
  registry?: Registry;
  events?: ProbeEventSink;
  logger?: Logger;
}

/** Where a container stands, known even for containers without probes. */
interface ContainerState {
  containerId: string;
  running: boolean;
}

interface PodEntry {
  pod: Pod;
  podIP?: string;
  containers: Map<string, ContainerState>;
  /** Keyed by container name, then probe type. */
  workers: Map<string, Map<ProbeType, ProbeWorker>>;
}

const probeTypes: ProbeType[] = ['startup', 'liveness', 'readiness'];

/**
 * The kubelet's prober: one ProbeWorker per (pod, container, probe type) for the pod's containers and sidecars
 * (init containers with restartPolicy Always). The pod worker tells it when containers start and stop, asks it
 * whether containers are started and ready, and listens for `result` events: a liveness or startup failure means
 * "kill and restart this container", a readiness change means "patch the pod's status". Each failed probe run is
 * recorded as an `Unhealthy` Event by the prober itself.
 */
export class ProbeManager extends EventEmitter<{ result: [ProbeResultEvent] }> {
  private readonly pods = new Map<string, PodEntry>();
  private readonly clock: Clock;
  private readonly metrics: ProberMetrics;
  private readonly logger: Logger;

  constructor(private readonly opts: ProbeManagerOptions) {
    super();
    this.clock = opts.clock ?? realClock;
    this.metrics = new ProberMetrics(opts.registry);
    this.logger = opts.logger ?? silentLogger();
  }

  /** Creates the pod's probe workers. Probes of a pod already added are not changed (as in Kubernetes). */
  addPod(pod: Pod): void {
    const uid = pod.metadata.uid;
    if (!uid) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} has no uid`);
    if (this.pods.has(uid)) return;
    const entry: PodEntry = { pod, podIP: pod.status?.podIP, containers: new Map(), workers: new Map() };
    this.pods.set(uid, entry);
    for (const container of probedContainers(pod)) {
      const byType = new Map<ProbeType, ProbeWorker>();
      for (const type of probeTypes) {
        const probe = type === 'liveness' ? container.livenessProbe : type === 'readiness' ? container.readinessProbe : container.startupProbe;
        if (probe) byType.set(type, this.newWorker(entry, container, type, probe));
      }
      if (byType.size > 0) entry.workers.set(container.name, byType);
    }
  }

  /** Stops the pod's workers and forgets everything about it. */
  removePod(podUid: string): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    for (const [containerName, byType] of entry.workers) {
      for (const worker of byType.values()) {
        worker.stop();
        this.metrics.forget(this.metricTarget(entry, containerName, worker.type));
      }
    }
    this.pods.delete(podUid);
  }

  /** The pod is terminating: liveness and startup probes stop (reporting success); readiness goes on. */
  stopLivenessAndStartup(podUid: string): void {
    for (const byType of this.pods.get(podUid)?.workers.values() ?? []) {
      byType.get('liveness')?.stopForTermination();
      byType.get('startup')?.stopForTermination();
    }
  }

  /** A container of the pod is running (a new container ID means a new instance: its probes start over). */
  containerStarted(podUid: string, containerName: string, containerId: string, startedAtMs: number, podIP?: string): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    if (podIP) entry.podIP = podIP;
    entry.containers.set(containerName, { containerId, running: true });
    for (const type of probeTypes) entry.workers.get(containerName)?.get(type)?.containerStarted(containerId, startedAtMs);
  }

  /** A container exited; `containerId` guards against a late report about an instance already replaced. */
  containerStopped(podUid: string, containerName: string, containerId?: string): void {
    const entry = this.pods.get(podUid);
    const state = entry?.containers.get(containerName);
    if (!entry || !state || (containerId !== undefined && containerId !== state.containerId)) return;
    state.running = false;
    for (const worker of entry.workers.get(containerName)?.values() ?? []) worker.containerStopped(state.containerId);
  }

  /** Running, and its startup probe (if any) has succeeded. */
  isStarted(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid);
    const state = entry?.containers.get(containerName);
    if (!entry || !state?.running) return false;
    const startup = entry.workers.get(containerName)?.get('startup');
    return !startup || startup.result(state.containerId) === 'success';
  }

  /** Started, and its readiness probe (if any) has succeeded; a container without one is ready once started. */
  isReady(podUid: string, containerName: string): boolean {
    if (!this.isStarted(podUid, containerName)) return false;
    const entry = this.pods.get(podUid)!;
    const readiness = entry.workers.get(containerName)?.get('readiness');
    return !readiness || readiness.result(entry.containers.get(containerName)!.containerId) === 'success';
  }

  /** Stops every worker (kubelet shutdown). */
  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  private newWorker(entry: PodEntry, container: Container, type: ProbeType, probe: Probe): ProbeWorker {
    const uid = entry.pod.metadata.uid!;
    const worker: ProbeWorker = new ProbeWorker({
      type,
      probe,
      container,
      clock: this.clock,
      runtime: this.opts.runtime,
      podIP: () => entry.podIP,
      startupPassed: () => this.isStarted(uid, container.name),
      onOutcome: (outcome) => this.recordOutcome(entry, container.name, type, outcome),
      onChange: (change) => this.announce(entry, container.name, worker, change),
    });
    return worker;
  }

  private recordOutcome(entry: PodEntry, containerName: string, type: ProbeType, outcome: ProbeOutcome): void {
    this.metrics.count(this.metricTarget(entry, containerName, type), outcome.result);
    let message: string | undefined;
    let reason: string = probeEventReasons.unhealthy;
    if (outcome.result === 'failure') message = probeFailedMessage(type, outcome.output);
    else if (outcome.result === 'unknown') message = probeErroredMessage(type, outcome.output);
    else if (outcome.warning) {
      message = probeWarningMessage(type, outcome.output);
      reason = probeEventReasons.probeWarning;
    }
    if (message === undefined) return;
    const { namespace, name } = entry.pod.metadata;
    this.logger.debug(message, { pod: `${namespace}/${name}`, container: containerName, probe: type });
    this.opts.events?.containerEvent(entry.pod, containerName, 'Warning', reason, message);
  }

  private announce(entry: PodEntry, containerName: string, worker: ProbeWorker, change: ProbeResultChange): void {
    const type = worker.type;
    const event: ProbeResultEvent = {
      podUid: entry.pod.metadata.uid!,
      namespace: entry.pod.metadata.namespace ?? '',
      podName: entry.pod.metadata.name ?? '',
      containerName,
      containerId: change.containerId,
      probeType: type,
      result: change.result,
      output: change.output,
      message: change.result === 'failure' ? probeFailedMessage(type, change.output) : `${probeTypeTitle(type)} probe ${change.result === 'success' ? 'succeeded' : 'result unknown'}`,
    };
    if (type !== 'readiness' && change.result === 'failure' && worker.settings.terminationGracePeriodSeconds !== undefined) {
      event.terminationGracePeriodSeconds = worker.settings.terminationGracePeriodSeconds;
    }
    this.logger.info('probe result changed', { pod: `${event.namespace}/${event.podName}`, container: containerName, probe: type, result: change.result });
    this.emit('result', event);
    // Liveness and readiness wait for the startup probe; once it passes they need not wait a whole period.
    if (type === 'startup' && change.result === 'success') {
      const byType = entry.workers.get(containerName);
      byType?.get('liveness')?.trigger();
      byType?.get('readiness')?.trigger();
    }
  }

  private metricTarget(entry: PodEntry, container: string, probeType: ProbeType) {
    return { probeType, container, pod: entry.pod.metadata.name ?? '', namespace: entry.pod.metadata.namespace ?? '' };
  }
}

/** Regular containers, plus sidecars: init containers that keep running (restartPolicy Always). */
function probedContainers(pod: Pod): Container[] {
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...sidecars, ...(pod.spec.containers ?? [])];
}
