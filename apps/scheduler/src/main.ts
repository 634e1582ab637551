import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { commandLineOptions, exitWithMessage, HealthServer, HttpKubeClient, LeaderElector, loadClientConfig, type ClientConfig } from '@skiff/client';
import { createLogger } from '@skiff/logging';
import { SchedulerMetrics } from './metrics';
import { parseSchedulerFlags, type SchedulerOptions } from './options';
import { Scheduler } from './scheduler/scheduler';

function fatal(message: string, code: number): never {
  return exitWithMessage('skiff-scheduler', message, code);
}

function options(): SchedulerOptions {
  return commandLineOptions('skiff-scheduler', parseSchedulerFlags);
}

async function main(): Promise<void> {
  const o = options();
  let config: ClientConfig;
  try {
    config = loadClientConfig({ kubeconfigPath: o.kubeconfig });
  } catch (e) {
    fatal((e as Error).message, 1);
  }
  const logger = createLogger('scheduler', o.verbosity >= 4 ? 'debug' : 'info');
  const client = new HttpKubeClient(config, { userAgent: `skiff-scheduler/${o.schedulerName}` });
  const metrics = new SchedulerMetrics();
  const scheduler = new Scheduler({ client, schedulerName: o.schedulerName, percentageOfNodesToScore: o.percentageOfNodesToScore, logger, metrics });
  let synced = false;
  const health = new HealthServer(metrics.registry, () => (synced ? { ok: true } : { ok: false, reason: 'caches have not synced' }));
  let port: number;
  try {
    port = await health.listen(o.bindAddress, o.port);
  } catch (e) {
    fatal(`cannot serve /healthz and /metrics on ${o.bindAddress}:${o.port}: ${(e as Error).message}`, 1);
  }
  // Test harnesses read this line to learn the port when --port=0.
  process.stdout.write(`listening on http://${o.bindAddress}:${port}\n`);

  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  const schedule = (signal: AbortSignal) => {
    metrics.leader.set({ name: o.leaderElectResourceName }, 1);
    running = scheduler.run(AbortSignal.any([signal, stopping.signal]));
    return running;
  };
  let elector: LeaderElector | undefined;
  const shutdown = async () => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info('shutting down');
    await running;
    await elector?.stop();
    scheduler.stopInformers();
    await health.close();
    client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  synced = await scheduler.startInformers(stopping.signal);
  if (!synced) return;
  logger.info('caches synced', { nodes: scheduler.cache.nodeCount, schedulerName: o.schedulerName });
  if (!o.leaderElect) {
    await schedule(stopping.signal);
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
      onStartedLeading: (signal) => schedule(signal),
      onStoppedLeading: () => {
        metrics.leader.set({ name: o.leaderElectResourceName }, 0);
        // As kube-scheduler does: a replica that lost the lease exits and starts over rather than risk two leaders.
        if (!stopping.signal.aborted) fatal('lost the leader election lease', 1);
      },
      onNewLeader: (holder) => logger.info('leader is now', { holder, me: holder === identity }),
    },
  });
  logger.info('campaigning for leadership', { lease: `${o.leaderElectResourceNamespace}/${o.leaderElectResourceName}`, identity });
  elector.start();
}

void main().catch((e: unknown) => fatal(e instanceof Error ? (e.stack ?? e.message) : String(e), 1));
