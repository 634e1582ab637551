import { Registry } from 'prom-client';
import { endpointslices, services, type EndpointSlice, type Service } from '@skiff/api';
import { commandLineOptions, exitWithMessage, HealthServer, HttpKubeClient, InformerFactory, loadClientConfig, type ClientConfig } from '@skiff/client';
import { createLogger } from '@skiff/logging';
import { ClusterDnsServer, InformerDnsRecordSource } from './dns';
import { ensureLocalDnsAddress, removeLocalDnsAddress } from './host-network';
import { hostCommands, IptablesRuleApplier } from './iptables';
import { parseProxyFlags, type ProxyOptions } from './options';
import { Proxier } from './proxier';
import { PodRouteSyncer, PodRouteTable } from './routes';

function fatal(message: string, code: number): never {
  return exitWithMessage('skiff-proxy', message, code);
}

function options(): ProxyOptions {
  return commandLineOptions('skiff-proxy', parseProxyFlags);
}

async function main(): Promise<void> {
  const o = options();
  const logger = createLogger('proxy', o.verbosity >= 4 ? 'debug' : 'info');
  const run = hostCommands();
  const applier = new IptablesRuleApplier({ run });
  if (o.cleanup) {
    const removed = await applier.cleanup().catch((e) => fatal(`cleanup failed: ${(e as Error).message}`, 1));
    await removeLocalDnsAddress(run, o.dnsAddress).catch(() => false);
    const routes = await new PodRouteTable(run).removeAll().catch((e) => fatal(`cleanup failed: ${(e as Error).message}`, 1));
    logger.info('removed every chain, rule and pod route the proxy owns', { ...removed, routes });
    return;
  }
  let config: ClientConfig;
  try {
    config = loadClientConfig({ kubeconfigPath: o.kubeconfig });
  } catch (e) {
    fatal((e as Error).message, 1);
  }
  const client = new HttpKubeClient(config, { userAgent: `skiff-proxy/${o.nodeName}` });
  const registry = new Registry();
  const informers = new InformerFactory(client, { logger });
  const proxier = new Proxier({
    informers,
    nodeName: o.nodeName,
    clusterCIDR: o.clusterCIDR,
    serviceCIDRs: o.serviceCIDRs,
    nodePortAddresses: o.nodePortAddresses,
    minSyncPeriodMs: o.minSyncPeriodMs,
    syncPeriodMs: o.syncPeriodMs,
    localDns: o.dns ? { address: o.dnsAddress, port: o.dnsPort } : undefined,
    applier,
    registry,
    logger,
  });

  // Made before the proxier runs, so the shared informer factory it starts includes Nodes.
  const podRoutes = o.podRoutes ? new PodRouteSyncer({ informers, nodeName: o.nodeName, run, minSyncPeriodMs: o.minSyncPeriodMs, syncPeriodMs: o.syncPeriodMs, logger }) : undefined;

  // Cluster DNS on this node: answered from the proxier's own Service and EndpointSlice caches.
  let dns: ClusterDnsServer | undefined;
  if (o.dns) {
    try {
      await ensureLocalDnsAddress(run, o.dnsAddress);
      const source = new InformerDnsRecordSource(informers.forResource<Service>(services), informers.forResource<EndpointSlice>(endpointslices));
      dns = new ClusterDnsServer({ source, address: o.dnsAddress, port: o.dnsPort, clusterDomain: o.clusterDomain, resolvConfPath: o.resolvConf, registry, logger });
      const bound = await dns.start();
      logger.info(`cluster DNS listening on ${bound.address}:${bound.port}`, { domain: o.clusterDomain });
    } catch (e) {
      fatal(`cannot serve cluster DNS on ${o.dnsAddress}:${o.dnsPort}: ${(e as Error).message}`, 1);
    }
  }

  const health = new HealthServer(registry, () => (proxier.lastError ? { ok: false, reason: proxier.lastError } : proxier.hasSynced() ? { ok: true } : { ok: false, reason: 'rules have not been synced yet' }));
  let port: number;
  try {
    port = await health.listen(o.bindAddress, o.port);
  } catch (e) {
    fatal(`cannot serve /healthz and /metrics on ${o.bindAddress}:${o.port}: ${(e as Error).message}`, 1);
  }
  // Test harnesses read this line to learn the port when --port=0.
  process.stdout.write(`listening on http://${o.bindAddress}:${port}\n`);

  const stopping = new AbortController();
  const shutdown = async () => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info('shutting down; the rules stay in place (--cleanup removes them)');
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  try {
    await Promise.all([proxier.run(stopping.signal), podRoutes?.run(stopping.signal)]);
  } catch (e) {
    fatal(`the proxy cannot run: ${(e as Error).message}`, 1);
  }
  await dns?.stop();
  informers.stop();
  await health.close();
  client.close();
  process.exit(0);
}

main().catch((e) => fatal((e as Error).stack ?? String(e), 1));
