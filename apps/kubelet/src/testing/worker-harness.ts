import type { Pod } from '@skiff/api';
import { FakeClock } from '@skiff/client';
import { CriClient, FakeCriServer, InMemoryRuntime, type ContainerRuntime } from '@skiff/cri';
import { createLogger, silentLogger } from '@skiff/logging';
import { FakeKubeClient } from '@skiff/testing';
import { Backoff } from '../runtime/backoff';
import { ImagePuller } from '../runtime/image-puller';
import { containerNameLabel } from '../pod/container-config';
import { podNameLabel, podNamespaceLabel, podUIDLabel as podUidLabel } from '../pod/sandbox-config';
import { StatusManager } from '../status/status-manager';
import { PodWorkers } from '../worker/pod-workers';
import type { PodSyncDeps, ProbeTracker } from '../worker/sync-deps';

export interface RecordedPodEvent {
  pod: string;
  type: string;
  reason: string;
  message: string;
}

/** Probe results a test sets by hand: every running container is started, and ready unless marked otherwise. */
export class ManualProbes implements ProbeTracker {
  readonly notReady = new Set<string>();
  readonly started: string[] = [];
  containerStarted(_pod: Pod, name: string, id: string): void {
    if (!this.started.includes(id)) this.started.push(id);
    void name;
  }
  containerStopped(): void {}
  removePod(): void {}
  isReady(_uid: string, name: string): boolean {
    return !this.notReady.has(name);
  }
  isStarted(): boolean {
    return true;
  }
}

/**
 * Pod workers over a real CRI gRPC client talking to a FakeCriServer (an InMemoryRuntime behind a unix
 * socket), a recording fake apiserver client and a fake clock: the kubelet's pod state machine end to end,
 * without containerd.
 */
export class WorkerHarness {
  readonly clock = new FakeClock();
  readonly fakeRuntime = new InMemoryRuntime({ clock: this.clock, images: ['docker.io/library/busybox:latest'] });
  readonly client = new FakeKubeClient(this.clock);
  readonly probes = new ManualProbes();
  readonly events: RecordedPodEvent[] = [];
  readonly hooks: string[] = [];
  /** A hook whose command is `block` waits until this is called. */
  releaseHooks: () => void = () => undefined;
  private hookGate = new Promise<void>((r) => (this.releaseHooks = r));
  private server = new FakeCriServer(this.fakeRuntime);
  runtime!: ContainerRuntime;
  workers!: PodWorkers;
  deps!: PodSyncDeps;

  async start(): Promise<this> {
    const endpoint = await this.server.start();
    this.runtime = new CriClient(endpoint);
    this.workers = this.newWorkers();
    return this;
  }

  /** A second set of workers on the same runtime: what a restarted kubelet starts with. */
  newWorkers(): PodWorkers {
    const record = (pod: Pod, type: string, reason: string, message: string) => this.events.push({ pod: pod.metadata.name!, type, reason, message });
    this.deps = {
      runtime: this.runtime,
      runtimeName: 'containerd',
      client: this.client,
      clock: this.clock,
      logger: process.env.DEBUG_KUBELET ? createLogger('kubelet-test', 'debug') : silentLogger(),
      record,
      images: new ImagePuller(this.runtime, new Backoff(this.clock), this.clock, record),
      crashBackoff: new Backoff(this.clock),
      probes: this.probes,
      volumes: { setUpPod: async () => new Map(), tearDownPod: async () => undefined, mountsFor: () => [] },
      config: {
        sandboxConfig: (pod, attempt) => {
          const labels = { [podUidLabel]: pod.metadata.uid!, [podNameLabel]: pod.metadata.name!, [podNamespaceLabel]: pod.metadata.namespace! };
          return { metadata: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid!, attempt }, labels };
        },
        environment: async (pod, c) => (c.env ?? []).map((e) => {
          if (e.valueFrom?.configMapKeyRef) throw new Error(`configmap "${e.valueFrom.configMapKeyRef.name}" not found`);
          return { key: e.name, value: e.value ?? '' };
        }),
        containerConfig: (pod, c, o) => ({
          metadata: { name: c.name, attempt: o.attempt },
          image: { image: o.imageRef },
          command: c.command,
          args: c.args,
          envs: o.envs,
          labels: { [podUidLabel]: pod.metadata.uid!, [podNameLabel]: pod.metadata.name!, [podNamespaceLabel]: pod.metadata.namespace!, [containerNameLabel]: c.name },
          logPath: `${c.name}/${o.attempt}.log`,
        }),
      },
      runHook: async (_pod, c, _id, handler) => {
        this.hooks.push(`${c.name}:${handler.exec?.command?.join(' ')}`);
        if (handler.exec?.command?.[0] === 'block') await this.hookGate;
        return handler.exec?.command?.includes('fail') ? 'hook failed' : undefined;
      },
      hostIPs: ['192.0.2.10'],
    };
    return new PodWorkers(this.deps, { statuses: new StatusManager(this.client, silentLogger()) });
  }

  /** Lets every pass in flight (and the passes they schedule now) finish. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.workers.idle();
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Moves the fake clock, then lets the passes it woke finish. */
  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
    await this.settle();
  }

  async stop(): Promise<void> {
    await this.workers.stop();
    (this.runtime as CriClient).close();
    await this.server.stop();
  }
}
