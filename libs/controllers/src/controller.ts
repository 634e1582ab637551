import type { Clock, EventRecorder, InformerFactory, KubeClient, WorkQueue } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import type { ClusterCA } from '@skiff/pki';
import type { ControllerMetrics } from './controller-metrics';

/** Settings the controller-manager passes to every controller (flags with Kubernetes' defaults). */
export interface ControllerOptions {
  /** Node lifecycle: how long a node may go without a heartbeat before it is Unknown (40 s). */
  nodeMonitorGracePeriodMs: number;
  /** Node lifecycle: how often node health is checked (5 s). */
  nodeMonitorPeriodMs: number;
  /** Node IPAM: the pod network every node gets a /24 of. */
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
  /** Pod GC: terminated pods kept before the oldest are deleted. */
  terminatedPodGCThreshold: number;
  /** Root CA publisher: the PEM bundle (--root-ca-file) put in every namespace; without it that controller is off. */
  rootCA?: string;
  /** CSR signing: the cluster CA (--cluster-signing-cert-file/--cluster-signing-key-file); without it that controller is off. */
  signingCA?: ClusterCA;
  /** CSR signing: the longest certificate issued (--cluster-signing-duration, one year). */
  clusterSigningDurationMs: number;
}

export const defaultControllerOptions: ControllerOptions = {
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  terminatedPodGCThreshold: 12_500,
  clusterSigningDurationMs: 365 * 24 * 3600_000,
};

/** What every controller is built from. Tests build it from the ControllerTestKit; the controller-manager from real parts. */
export interface ControllerContext {
  client: KubeClient;
  informers: InformerFactory;
  /** An event recorder whose source component is the controller's name. */
  recorder(component: string): EventRecorder;
  clock: Clock;
  logger: Logger;
  options: ControllerOptions;
  metrics?: ControllerMetrics;
}

/**
 * A controller: informers whose handlers only enqueue keys, a work queue, and `reconcile(key)` doing the work.
 * `run` starts the workers (after the informers synced); `stop` shuts the queue down and waits for them.
 */
export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  /** Reconciles one key; idempotent and level-triggered (reads the whole current state, not the event). */
  reconcile(key: string): Promise<void>;
  run(workers: number): void;
  stop(): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;
