import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { commandLineOptions, exitWithMessage, HealthServer, HttpKubeClient, LeaderElector, loadClientConfig, type ClientConfig } from '@skiff/client';
import { controllerFactories, ControllerMetrics, disabledByDefaultControllers } from '@skiff/controllers';
import { createLogger } from '@skiff/logging';
import { readClusterSigningCA } from './cluster-signing';
import { ControllerManager } from './controller-manager';
import { selectControllers } from './controller-selection';
import { parseControllerManagerFlags, type ControllerManagerOptions } from './options';
import { readRootCAFile, withoutUnconfiguredControllers } from './root-ca-file';

function fatal(message: string, code: number): never {
  return exitWithMessage('skiff-controller-manager', message, code);
}

function options(): { o: ControllerManagerOptions; controllers: string[]; rootCA?: string } {
  return commandLineOptions('skiff-controller-manager', (argv) => {
    const o = parseControllerManagerFlags(argv);
    if (!o) return undefined;
    const rootCA = o.rootCAFile === undefined ? undefined : readRootCAFile(o.rootCAFile);
    return { o, controllers: selectControllers(o.controllers, Object.keys(controllerFactories).sort(), disabledByDefaultControllers), rootCA };
  });
}

async function main(): Promise<void> {
  const { o, controllers: selected, rootCA } = options();
  let signingCA;
  try {
    signingCA = await readClusterSigningCA(o.clusterSigningCertFile, o.clusterSigningKeyFile);
  } catch (e) {
    fatal((e as Error).message, 2);
  }
  let config: ClientConfig;
  try {
    config = loadClientConfig({ kubeconfigPath: o.kubeconfig });
  } catch (e) {
    fatal((e as Error).message, 1);
  }
  const logger = createLogger('controller-manager', o.verbosity >= 4 ? 'debug' : 'info');
  const controllers = withoutUnconfiguredControllers(selected, rootCA, logger, signingCA !== undefined);
  const client = new HttpKubeClient(config, { userAgent: 'skiff-controller-manager' });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const manager = new ControllerManager({
    client,
    logger,
    metrics: new ControllerMetrics(registry),
    controllers,
    nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs,
    clusterCIDR: o.clusterCIDR,
    concurrentWorkers: o.concurrentWorkers,
    rootCA,
    signingCA,
    clusterSigningDurationMs: o.clusterSigningDurationMs,
  });
  const health = new HealthServer(registry, () => (manager.isRunning ? { ok: true } : { ok: false, reason: o.leaderElect ? 'not leading, or caches not synced' : 'caches have not synced' }));
  let port: number;
  try {
    port = await health.listen(o.bindAddress, o.port);
  } catch (e) {
    fatal(`cannot serve /healthz and /metrics on ${o.bindAddress}:${o.port}: ${(e as Error).message}`, 1);
  }
  // Test harnesses read this line to learn the port when --port=0.
  process.stdout.write(`listening on http://${o.bindAddress}:${port}\n`);
  logger.info('controllers selected', { controllers });

  const stopping = new AbortController();
  let elector: LeaderElector | undefined;
  const shutdown = async () => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info('shutting down');
    await manager.stop();
    await elector?.stop();
    await health.close();
    client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  const runControllers = async (signal: AbortSignal) => {
    if (await manager.run(AbortSignal.any([signal, stopping.signal]))) logger.info('controllers running', { count: controllers.length });
  };
  if (!o.leaderElect) {
    await runControllers(stopping.signal);
    return;
  }
  const identity = `${os.hostname()}_${randomUUID()}`;
  elector = new LeaderElector(client, {
    namespace: o.leaderElectResourceNamespace,
    name: o.leaderElectResourceName,
    identity,
    leaseDurationSeconds: o.leaderElectLeaseDurationMs / 1000,
    renewDeadlineMs: o.leaderElectRenewDeadlineMs,
    retryPeriodMs: o.leaderElectRetryPeriodMs,
    logger,
    callbacks: {
      onStartedLeading: (signal) => runControllers(signal),
      // As kube-controller-manager does: a replica that lost the lease exits rather than risk two leaders.
      onStoppedLeading: () => {
        if (!stopping.signal.aborted) fatal('lost the leader election lease', 1);
      },
      onNewLeader: (holder) => logger.info('leader is now', { holder, me: holder === identity }),
    },
  });
  logger.info('campaigning for leadership', { lease: `${o.leaderElectResourceNamespace}/${o.leaderElectResourceName}`, identity });
  elector.start();
}

void main().catch((e: unknown) => fatal(e instanceof Error ? (e.stack ?? e.message) : String(e), 1));
