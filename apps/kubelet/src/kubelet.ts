import { nodes, pods, type Node, type Pod, type Taint } from '@skiff/api';
import { EventRecorder, Informer, realClock, sleep, type Clock, type KubeClient } from '@skiff/client';
import type { ContainerRuntime } from '@skiff/cri';
import type { Logger } from '@skiff/logging';
import type { HostInfoSource } from './node/host-info';
import { NodeLeaseRenewer } from './node/node-lease';
import { registerNode } from './node/node-registration';
import type { NodeObservation } from './node/node-status';
import { NodeStatusReporter } from './node/node-status-reporter';
import { Backoff } from './runtime/backoff';
import { ImagePuller, type PodEventSink } from './runtime/image-puller';
import { PodLifecycleEventGenerator } from './runtime/pleg';
import { StatusManager } from './status/status-manager';
import { removePodFromRuntime } from './worker/pod-killer';
import { PodWorkers } from './worker/pod-workers';
import { isMirrorPod, MirrorPods } from './static/mirror-pods';
import { isStaticPod, StaticPodSource } from './static/static-pod-source';
import type { HookRunner, PodRuntimeConfig, PodSyncDeps, PodVolumes, ProbeTracker } from './worker/sync-deps';

export const kubeletVersion = 'v1.32.4+skiff';

export interface KubeletParts {
  client: KubeClient;
  runtime: ContainerRuntime;
  /** containerID prefix, e.g. `containerd` (or `fake` for hollow nodes). */
  runtimeName: string;
  host: HostInfoSource;
  logger: Logger;
  clock?: Clock;
  config: PodRuntimeConfig;
  volumes: PodVolumes;
  probes: ProbeTracker;
  runHook: HookRunner;
  /** Called with the node's pod CIDR whenever it is first known or changes (writes the CNI config). */
  onPodCIDR?(cidr: string): Promise<void>;
}

export interface KubeletSettings {
  nodeName: string;
  nodeIP: string;
  kubeletPort: number;
  maxPods: number;
  labels: Record<string, string>;
  taints: Taint[];
  podCIDR?: string;
  nodeStatusUpdateFrequencyMs: number;
  syncFrequencyMs: number;
  /** A directory of static pod manifests. */
  podManifestPath?: string;
  /** How often pods the API no longer has are looked for in the runtime. */
  housekeepingMs?: number;
}

/**
 * One node agent: registers the Node, keeps its lease and status, watches the pods bound to it and runs each
 * through a pod worker against the container runtime. Everything it holds can be rebuilt from the apiserver and
 * the runtime, so a restarted kubelet adopts what is already running.
 */
export class Kubelet {
  readonly clock: Clock;
  readonly workers: PodWorkers;
  readonly recorder: EventRecorder;
  private readonly deps: PodSyncDeps;
  private readonly pleg: PodLifecycleEventGenerator;
  private readonly statuses: StatusManager;
  private nodeInformer?: Informer<Node>;
  private podInformer?: Informer<Pod>;
  private podCIDR?: string;
  private podCIDRApplied = false;
  private runtimeVersion = '';
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly parts: KubeletParts,
    readonly settings: KubeletSettings,
  ) {
    this.clock = parts.clock ?? realClock;
    this.recorder = new EventRecorder(parts.client, { component: 'kubelet', host: settings.nodeName }, this.clock, { logger: parts.logger });
    this.statuses = new StatusManager(parts.client, parts.logger);
    const record: PodEventSink = (pod, type, reason, message) => this.recorder.event(pod, type, reason, message);
    this.deps = {
      runtime: parts.runtime,
      runtimeName: parts.runtimeName,
      client: parts.client,
      clock: this.clock,
      logger: parts.logger,
      record,
      images: new ImagePuller(parts.runtime, new Backoff(this.clock), this.clock, record),
      crashBackoff: new Backoff(this.clock),
      probes: parts.probes,
      volumes: parts.volumes,
      config: parts.config,
      runHook: parts.runHook,
      hostIPs: [settings.nodeIP],
    };
    this.workers = new PodWorkers(this.deps, { statuses: this.statuses, resyncMs: settings.syncFrequencyMs, isStatic: isStaticPod });
    this.pleg = new PodLifecycleEventGenerator(parts.runtime, this.clock, parts.logger, (uid) => this.workers.wake(uid));
  }

  get nodeName(): string {
    return this.settings.nodeName;
  }

  /** Registers the node and starts every loop; resolves once the pods bound here have been listed. */
  async start(): Promise<void> {
    const { client, logger } = this.parts;
    const s = this.settings;
    const arch = this.parts.host.facts();
    this.runtimeVersion = await this.parts.runtime
      .version()
      .then((v) => `${v.runtimeName}://${v.runtimeVersion}`)
      .catch(() => 'unknown://unknown');
    const node = await registerNode(client, { nodeName: s.nodeName, architecture: arch.architecture, operatingSystem: arch.operatingSystem, labels: s.labels, taints: s.taints, podCIDR: s.podCIDR });
    logger.info(`registered node ${s.nodeName}`, { runtime: this.runtimeVersion });
    await this.applyPodCIDR(node);

    this.nodeInformer = new Informer<Node>(client, nodes, { fieldSelector: `metadata.name=${s.nodeName}`, clock: this.clock, logger });
    this.nodeInformer.addEventHandler({ onAdd: (n) => void this.applyPodCIDR(n), onUpdate: (_o, n) => void this.applyPodCIDR(n) });
    this.nodeInformer.start();

    const reporter = new NodeStatusReporter({
      client,
      clock: this.clock,
      logger,
      nodeName: s.nodeName,
      lease: new NodeLeaseRenewer(client, s.nodeName),
      currentNode: () => this.nodeInformer?.lister.get(undefined, s.nodeName) ?? node,
      observe: () => this.observe(),
      updateIntervalMs: s.nodeStatusUpdateFrequencyMs,
    });
    this.loops.push(reporter.run(this.abort.signal));

    this.podInformer = new Informer<Pod>(client, pods, { fieldSelector: `spec.nodeName=${s.nodeName}`, clock: this.clock, logger });
    // Mirror pods only show static pods in the API; the static pod source runs them.
    this.podInformer.addEventHandler({
      onAdd: (p) => isMirrorPod(p) || this.workers.update(p),
      onUpdate: (_o, p) => isMirrorPod(p) || this.workers.update(p),
      onDelete: (p) => isMirrorPod(p) || this.workers.remove(p),
    });
    this.podInformer.start();
    await this.podInformer.waitForSync(this.abort.signal);
    if (s.podManifestPath) this.loops.push(this.runStaticPods(s.podManifestPath, this.abort.signal));
    this.loops.push(this.pleg.run(this.abort.signal));
    this.loops.push(this.housekeeping(this.abort.signal));
  }

  /** Stops the loops and the informers. Containers keep running, to be adopted by the next kubelet. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.nodeInformer?.stop();
    this.podInformer?.stop();
    await this.workers.stop();
    await Promise.all(this.loops);
  }

  /** The pods this kubelet runs (the kubelet server's /pods). */
  pods(): Pod[] {
    return this.workers.pods();
  }

  private async applyPodCIDR(node: Node): Promise<void> {
    const cidr = node.spec?.podCIDR;
    if (!cidr || (cidr === this.podCIDR && this.podCIDRApplied)) return;
    this.podCIDR = cidr;
    this.podCIDRApplied = false;
    try {
      await this.parts.onPodCIDR?.(cidr);
      await this.parts.runtime.updateRuntimeConfig(cidr);
      this.podCIDRApplied = true;
      this.parts.logger.info(`pod CIDR ${cidr} configured`);
    } catch (e) {
      this.parts.logger.warn(`configuring pod CIDR ${cidr} failed: ${(e as Error).message}`);
    }
  }

  private async observe(): Promise<NodeObservation> {
    const notReady: string[] = [];
    let images: NodeObservation['images'] = [];
    try {
      const status = await this.parts.runtime.status();
      for (const c of status.status?.conditions ?? []) {
        if (!c.status) notReady.push(`container runtime ${c.type === 'NetworkReady' ? 'network ' : ''}not ready: ${c.type}=false reason:${c.reason} message:${c.message}`);
      }
      images = (await this.parts.runtime.listImages()).map((i) => ({ names: [...i.repoTags, ...i.repoDigests], sizeBytes: i.size })).sort((a, b) => b.sizeBytes - a.sizeBytes);
    } catch (e) {
      notReady.push(`container runtime is down: ${(e as Error).message}`);
    }
    if (!this.pleg.healthy()) notReady.push('PLEG is not healthy: the container runtime has not been relisted recently');
    if (!this.podCIDRApplied) notReady.push('network plugin not ready: the node has no pod CIDR yet');
    return {
      facts: this.parts.host.facts(),
      readings: this.parts.host.readings(),
      maxPods: this.settings.maxPods,
      addresses: [
        { type: 'InternalIP', address: this.settings.nodeIP },
        { type: 'Hostname', address: this.settings.nodeName },
      ],
      kubeletPort: this.settings.kubeletPort,
      kubeletVersion,
      containerRuntimeVersion: this.runtimeVersion,
      notReadyReasons: notReady,
      images,
    };
  }

  private async runStaticPods(dir: string, signal: AbortSignal): Promise<void> {
    const source = new StaticPodSource(dir, this.settings.nodeName, this.workers, this.clock, this.parts.logger);
    const mirrors = new MirrorPods(this.parts.client, this.parts.logger);
    while (!signal.aborted) {
      source.scan();
      const mine = (this.podInformer?.lister.list() ?? []).filter(isMirrorPod);
      await mirrors.sync(source.pods(), mine, this.nodeInformer?.lister.get(undefined, this.settings.nodeName));
      await sleep(this.clock, 10_000, signal);
    }
  }

  /** Pods the runtime still holds but the API no longer has (deleted while the kubelet was away) are torn down. */
  private async housekeeping(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      for (const uid of this.pleg.podsInRuntime()) {
        if (this.workers.has(uid)) continue;
        this.parts.logger.info(`removing pod ${uid} from the runtime: the API no longer has it`);
        await removePodFromRuntime(uid, this.deps).catch((e) => this.parts.logger.warn(`removing orphaned pod ${uid} failed: ${(e as Error).message}`));
      }
      await sleep(this.clock, this.settings.housekeepingMs ?? 2_000, signal);
    }
  }
}
