import type { Container, LifecycleHandler, Pod } from '@skiff/api';
import type { Clock, KubeClient } from '@skiff/client';
import type { ContainerConfig, ContainerRuntime, KeyValue, Mount, PodSandboxConfig } from '@skiff/cri';
import type { Logger } from '@skiff/logging';
import type { Backoff } from '../runtime/backoff';
import type { ImagePuller, PodEventSink } from '../runtime/image-puller';

/** What the pod worker needs from the prober: it reports container starts and stops, and asks for results. */
export interface ProbeTracker {
  containerStarted(pod: Pod, containerName: string, containerId: string, startedAtMs: number, podIP: string | undefined): void;
  containerStopped(podUid: string, containerName: string): void;
  removePod(podUid: string): void;
  isReady(podUid: string, containerName: string, containerId: string): boolean;
  isStarted(podUid: string, containerName: string, containerId: string): boolean;
}

/** The pod's volumes on the node. */
export interface PodVolumes {
  /** Makes every volume ready (idempotent; refreshes configMap/secret content); returns name → host path. */
  setUpPod(pod: Pod): Promise<Map<string, string>>;
  tearDownPod(podUid: string): Promise<void>;
  /** Throws (bad subPath, unknown volume): the container waits with CreateContainerConfigError. */
  mountsFor(pod: Pod, container: Container, volumePaths: Map<string, string>, envs: KeyValue[]): Mount[];
}

/** What the worker knows when it configures one container instance. */
export interface ContainerConfigInputs {
  attempt: number;
  imageRef: string;
  /** The image's configured user, when the runtime reports one (runAsNonRoot checks it). */
  imageUser?: { uid?: number; username?: string };
  envs: KeyValue[];
  mounts: Mount[];
  podIP?: string;
}

/** Turns the pod spec into what CRI takes. */
export interface PodRuntimeConfig {
  sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig;
  /** Throws an Error whose message is the CreateContainerConfigError text (e.g. `configmap "x" not found`). */
  environment(pod: Pod, container: Container, podIP: string | undefined): Promise<KeyValue[]>;
  /** Throws an Error whose message is the CreateContainerConfigError text (e.g. runAsNonRoot refusing root). */
  containerConfig(pod: Pod, container: Container, o: ContainerConfigInputs): ContainerConfig | Promise<ContainerConfig>;
  /** The pod is gone for good: drop anything remembered about it. */
  forgetPod?(uid: string): void;
}

/** Runs a postStart / preStop handler; resolves with an error message on failure. */
export type HookRunner = (pod: Pod, container: Container, containerId: string, handler: LifecycleHandler, podIP: string | undefined, timeoutMs: number) => Promise<string | undefined>;

export interface PodSyncDeps {
  runtime: ContainerRuntime;
  /** The containerID prefix in statuses, e.g. `containerd`. */
  runtimeName: string;
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  record: PodEventSink;
  images: ImagePuller;
  crashBackoff: Backoff;
  probes: ProbeTracker;
  volumes: PodVolumes;
  config: PodRuntimeConfig;
  runHook: HookRunner;
  hostIPs: string[];
}
