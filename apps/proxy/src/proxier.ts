import { endpointslices, services, type EndpointSlice, type Service } from '@skiff/api';
import { realClock, type Clock, type IndexFunc, type Informer, type InformerFactory } from '@skiff/client';
import { silentLogger, type Logger } from '@skiff/logging';
import type { Registry } from 'prom-client';
import { bridgeCallIptablesSysctl, routeLocalnetSysctl, setSysctl } from './host-network';
import { hostCommands } from './iptables/host-commands';
import { nodePortsOnLoopback, type ProxyState } from './iptables/proxy-state';
import { renderRules, type ExistingChains } from './iptables/render-rules';
import type { RuleApplier } from './iptables/rule-applier';
import { ProxierMetrics } from './proxier-metrics';
import { proxiedClusterIP, serviceNameLabel, servicePortsOf } from './service-ports';
import { SyncRunner } from './sync-runner';

export interface ProxierOptions {
  /** Shared with the DNS server, so both read one cache over one watch per resource. */
  informers: InformerFactory;
  /** The Node this proxy runs on: endpoints there count as local for the Local traffic policies. */
  nodeName: string;
  /** The pods' range; ClusterIP traffic from outside it is masqueraded. */
  clusterCIDR?: string;
  /** CIDRs whose local addresses answer NodePorts; empty or unset means every local address. */
  nodePortAddresses?: string[];
  /** The ClusterIP ranges: connections to an address or port in them that no Service holds are rejected. */
  serviceCIDRs?: string[];
  /** NodePorts also on 127.0.0.1 when the addresses allow it (kube-proxy's default; sets route_localnet). */
  localhostNodePorts?: boolean;
  /** Changes within this period are applied in one sync (default 1 s). */
  minSyncPeriodMs?: number;
  /** Rules are re-applied at least this often, healing changes made behind the proxy's back (default 30 s). */
  syncPeriodMs?: number;
  /** Where the node-local DNS server listens; the cluster DNS Service's ClusterIP:53 is DNATed there. */
  localDns?: { address: string; port: number };
  /** The cluster DNS Service (default kube-system/kube-dns). */
  dnsService?: { namespace: string; name: string };
  applier: RuleApplier;
  registry: Registry;
  /** Sets a sysctl on the node; defaults to writing /proc/sys. */
  setSysctl?: (name: string, value: string) => Promise<void>;
  logger?: Logger;
  clock?: Clock;
}

const slicesByServiceIndex = 'proxy/slicesByService';

const slicesByService: IndexFunc<EndpointSlice> = (slice) => {
  const service = slice.metadata.labels?.[serviceNameLabel];
  return service ? [`${slice.metadata.namespace ?? ''}/${service}`] : [];
};

/**
 * Keeps the node's iptables rules for Services current: informers on Services and EndpointSlices wake a
 * coalescing sync loop that renders the whole rule set from the caches and applies it when it changed.
 */
export class Proxier {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly runner: SyncRunner;
  private readonly metrics: ProxierMetrics;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly writeSysctl: (name: string, value: string) => Promise<void>;
  private lastSignature?: string;
  private appliedChains: ExistingChains = { nat: [], filter: [] };
  private synced = false;
  private lastErrorMessage?: string;

  constructor(private readonly opts: ProxierOptions) {
    this.logger = opts.logger ?? silentLogger();
    this.clock = opts.clock ?? realClock;
    this.metrics = new ProxierMetrics(opts.registry);
    this.services = opts.informers.forResource<Service>(services);
    this.slices = opts.informers.forResource<EndpointSlice>(endpointslices, { indexers: { [slicesByServiceIndex]: slicesByService } });
    const run = hostCommands();
    this.writeSysctl = opts.setSysctl ?? ((name, value) => setSysctl(run, name, value));
    this.runner = new SyncRunner((full) => this.syncRules(full), {
      minIntervalMs: opts.minSyncPeriodMs ?? 1000,
      fullIntervalMs: opts.syncPeriodMs ?? 30_000,
      clock: this.clock,
    });
  }

  /** True once rules from synced caches have been applied. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Why the last sync failed; undefined after a successful one. */
  get lastError(): string | undefined {
    return this.lastErrorMessage;
  }

  /**
   * Prepares the node (sysctls, base chains and jumps; failures here are thrown), then syncs until the signal
   * aborts. Starts the informer factory; resolves once stopped.
   */
  async run(signal: AbortSignal): Promise<void> {
    await this.prepareNode();
    const wake = () => this.runner.request();
    const handlers = { onAdd: wake, onUpdate: wake, onDelete: wake };
    const unsubscribe = [this.services.addEventHandler(handlers), this.slices.addEventHandler(handlers)];
    try {
      this.opts.informers.start();
      if (!(await this.opts.informers.waitForSync(signal))) return;
      this.logger.info('caches synced', { services: this.services.indexer.list().length, endpointSlices: this.slices.indexer.list().length });
      this.runner.start();
      await new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      for (const u of unsubscribe) u();
      await this.runner.stop();
    }
  }

  /** What the caches say the rules should be. */
  currentState(): ProxyState {
    const nodePortAddresses = this.opts.nodePortAddresses ?? [];
    const ports = this.services.indexer
      .list()
      .flatMap((svc) => servicePortsOf(svc, this.slices.indexer.byIndex(slicesByServiceIndex, `${svc.metadata.namespace}/${svc.metadata.name}`), this.opts.nodeName));
    return {
      services: ports,
      clusterCIDR: this.opts.clusterCIDR,
      nodePortAddresses,
      localhostNodePorts: this.opts.localhostNodePorts ?? true,
      localDns: this.localDnsTarget(),
      serviceCIDRs: this.opts.serviceCIDRs,
    };
  }

  private localDnsTarget(): ProxyState['localDns'] {
    const dns = this.opts.localDns;
    if (!dns) return undefined;
    const { namespace, name } = this.opts.dnsService ?? { namespace: 'kube-system', name: 'kube-dns' };
    const svc = this.services.lister.get(namespace, name);
    const clusterIP = svc && proxiedClusterIP(svc);
    return clusterIP ? { clusterIP, address: dns.address, port: dns.port } : undefined;
  }

  private async prepareNode(): Promise<void> {
    const state = { nodePortAddresses: this.opts.nodePortAddresses ?? [], localhostNodePorts: this.opts.localhostNodePorts ?? true };
    if (nodePortsOnLoopback(state)) {
      this.logger.info(`setting ${routeLocalnetSysctl}=1 so that NodePorts answer on 127.0.0.1`);
      await this.writeSysctl(routeLocalnetSysctl, '1');
    }
    try {
      await this.writeSysctl(bridgeCallIptablesSysctl, '1');
    } catch (err) {
      this.logger.warn(`cannot set ${bridgeCallIptablesSysctl}=1: Services pointing at pods on this node's bridge may hang`, { error: (err as Error).message });
    }
    await this.opts.applier.ensureBaseRules();
  }

  /** One sync: render, and apply when the rules changed (a full sync re-ensures the jumps and always applies). */
  private async syncRules(full: boolean): Promise<boolean> {
    const started = process.hrtime.bigint();
    try {
      const existing = full ? await this.opts.applier.listChains() : this.appliedChains;
      const rendered = renderRules(this.currentState(), existing);
      if (!full && rendered.deletedChains.length === 0 && rendered.signature === this.lastSignature) return true;
      if (full) await this.opts.applier.ensureBaseRules();
      await this.opts.applier.restore(rendered.text);
      this.lastSignature = rendered.signature;
      this.appliedChains = rendered.chains;
      this.metrics.rules.set({ table: 'nat' }, rendered.ruleCount.nat);
      this.metrics.rules.set({ table: 'filter' }, rendered.ruleCount.filter);
      this.synced = true;
      this.lastErrorMessage = undefined;
      this.logger.debug('rules applied', { full, natRules: rendered.ruleCount.nat, filterRules: rendered.ruleCount.filter, deletedChains: rendered.deletedChains.length });
      return true;
    } catch (err) {
      this.metrics.syncErrors.inc();
      this.lastSignature = undefined;
      this.lastErrorMessage = (err as Error).message;
      this.logger.error('syncing iptables rules failed; retrying', { error: this.lastErrorMessage });
      return false;
    } finally {
      this.metrics.syncDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}
