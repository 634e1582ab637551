import { EventRecorder, InformerFactory, realClock, type KubeClient } from '@skiff/client';
import { controllerFactories, defaultControllerOptions, type Controller, type ControllerContext, type ControllerMetrics } from '@skiff/controllers';
import type { Logger } from '@skiff/logging';
import type { ClusterCA } from '@skiff/pki';
import { workersFor } from './controller-selection';

export interface ControllerManagerConfig {
  client: KubeClient;
  logger: Logger;
  metrics: ControllerMetrics;
  /** Names already resolved from --controllers. */
  controllers: string[];
  nodeMonitorGracePeriodMs: number;
  clusterCIDR: string;
  concurrentWorkers?: number;
  /** Contents of --root-ca-file, for the root CA publisher. */
  rootCA?: string;
  /** --cluster-signing-cert-file/--cluster-signing-key-file, for csrsigning. */
  signingCA?: ClusterCA;
  clusterSigningDurationMs?: number;
}

/**
 * One shared InformerFactory and the selected controllers built over it. `run` starts the informers, waits for
 * their caches, then starts each controller's workers; `stop` drains the workers and closes the watches.
 */
export class ControllerManager {
  readonly informers: InformerFactory;
  readonly controllers: Controller[];
  private readonly recorders: EventRecorder[] = [];
  private running = false;

  constructor(private readonly cfg: ControllerManagerConfig) {
    this.informers = new InformerFactory(cfg.client, { logger: cfg.logger });
    const ctx: ControllerContext = {
      client: cfg.client,
      informers: this.informers,
      recorder: (component) => {
        const r = new EventRecorder(cfg.client, { component });
        this.recorders.push(r);
        return r;
      },
      clock: realClock,
      logger: cfg.logger,
      options: {
        ...defaultControllerOptions,
        nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriodMs,
        clusterCIDR: cfg.clusterCIDR,
        rootCA: cfg.rootCA,
        signingCA: cfg.signingCA,
        clusterSigningDurationMs: cfg.clusterSigningDurationMs ?? defaultControllerOptions.clusterSigningDurationMs,
      },
      metrics: cfg.metrics,
    };
    this.controllers = cfg.controllers.map((name) => controllerFactories[name](ctx));
  }

  /** Resolves true once the caches synced and workers run; false if `signal` aborted first. */
  async run(signal: AbortSignal): Promise<boolean> {
    this.informers.start();
    const synced = await this.informers.waitForSync(signal);
    if (!synced || signal.aborted) return false;
    for (const c of this.controllers) {
      const workers = workersFor(c.name, this.cfg.concurrentWorkers);
      c.run(workers);
      this.cfg.logger.info('started controller', { controller: c.name, workers });
    }
    this.running = true;
    return true;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.stop()));
    this.informers.stop();
    await Promise.all(this.recorders.map((r) => r.flush()));
    this.running = false;
  }
}
