import { endpointslices, services, type EndpointSlice, type Service } from '@skiff/api';
import { FakeClock, InformerFactory } from '@skiff/client';
import { FakeKubeClient } from '@skiff/testing';
import { Registry } from 'prom-client';
import type { OwnedChains, RestoreResult, RuleApplier } from './iptables/rule-applier';
import { Proxier, type ProxierOptions } from './proxier';

/** Records what the proxier asks of iptables; `failures` makes the next restores throw. */
class FakeApplier implements RuleApplier {
  readonly restores: string[] = [];
  ensureCalls = 0;
  listCalls = 0;
  failures = 0;
  chainsInKernel: OwnedChains = { nat: [], filter: [] };

  async ensureBaseRules(): Promise<void> {
    this.ensureCalls++;
  }

  async listChains(): Promise<OwnedChains> {
    this.listCalls++;
    return this.chainsInKernel;
  }

  async restore(text: string): Promise<RestoreResult> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('iptables-legacy-restore failed at line 7 (-A SKIFF-SERVICES ...): something');
    }
    this.restores.push(text);
    return { rules: 0, chains: 0, deletedChains: 0 };
  }

  get last(): string {
    return this.restores.at(-1) ?? '';
  }
}

function webService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'default', name: 'web' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] },
  };
}

function dnsService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'kube-system', name: 'kube-dns' },
    spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53 }] },
  };
}

function webSlice(ips: string[], name = 'web-abc', service = 'web'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  };
}

const sepRules = (text: string) => text.split('\n').filter((l) => l.startsWith('-A SKIFF-SEP-') && l.includes('DNAT')).map((l) => l.split('--to-destination ')[1]);

describe('Proxier', () => {
  let clock: FakeClock;
  let client: FakeKubeClient;
  let applier: FakeApplier;
  let registry: Registry;
  let sysctls: string[];
  let abort: AbortController;
  let running: Promise<void> | undefined;
  let proxier: Proxier;

  beforeEach(() => {
    clock = new FakeClock();
    client = new FakeKubeClient(clock);
    applier = new FakeApplier();
    registry = new Registry();
    sysctls = [];
    abort = new AbortController();
    running = undefined;
    client.seed(services, webService(), dnsService());
    client.seed(endpointslices, webSlice(['10.244.1.2', '10.244.1.3']), webSlice(['10.244.9.9'], 'other-abc', 'other'));
  });

  afterEach(async () => {
    abort.abort();
    await running;
  });

  function makeProxier(over: Partial<ProxierOptions> = {}): Proxier {
    return new Proxier({
      informers: new InformerFactory(client, { clock }),
      nodeName: 'node-1',
      clusterCIDR: '10.244.0.0/16',
      localDns: { address: '169.254.20.10', port: 53 },
      applier,
      registry,
      clock,
      setSysctl: async (name, value) => {
        sysctls.push(`${name}=${value}`);
      },
      ...over,
    });
  }

  async function start(over: Partial<ProxierOptions> = {}): Promise<void> {
    proxier = makeProxier(over);
    running = proxier.run(abort.signal);
    await clock.advance(0);
  }

  async function updateSlice(ips: string[]): Promise<void> {
    const current = await client.get<EndpointSlice>(endpointslices, 'default', 'web-abc');
    await client.update(endpointslices, { ...current, endpoints: webSlice(ips).endpoints });
  }

  async function metric(name: string): Promise<Array<{ labels: object; value: number }>> {
    return (await registry.getSingleMetric(name)!.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
  }

  it('prepares the node, then applies the rules for the synced caches: endpoints joined by label, DNS to the local listener', async () => {
    await start();
    expect(sysctls).toEqual(['net.ipv4.conf.all.route_localnet=1', 'net.bridge.bridge-nf-call-iptables=1']);
    expect(applier.restores).toHaveLength(1);
    expect(sepRules(applier.last)).toEqual(['10.244.1.2:8080', '10.244.1.3:8080']);
    expect(applier.last).not.toContain('10.244.9.9');
    expect(applier.last).toContain('-d 10.96.0.10 --dport 53 -j DNAT --to-destination 169.254.20.10:53');
    expect(proxier.hasSynced()).toBe(true);
    // The first sync is a full one: base rules ensured at start and again with it, kernel chains listed.
    expect([applier.ensureCalls, applier.listCalls]).toEqual([2, 1]);
    expect(await metric('skiff_proxy_rules')).toEqual([
      { labels: { table: 'nat' }, value: applier.last.split('*nat')[1].split('\n').filter((l) => l.startsWith('-A ')).length },
      // The forwarding rules and, as NodePorts answer on loopback by default, the localnet guard.
      { labels: { table: 'filter' }, value: 4 },
    ]);
    const histogram = (await registry.getSingleMetric('skiff_proxy_sync_duration_seconds')!.get()).values.find((v) => (v as { metricName?: string }).metricName === 'skiff_proxy_sync_duration_seconds_count');
    expect(histogram?.value).toBe(1);
  });

  it('coalesces changes within the minimum sync period into one sync with the latest state', async () => {
    await start();
    await clock.advance(100);
    await updateSlice(['10.244.1.2']);
    await clock.advance(100);
    await updateSlice(['10.244.1.2', '10.244.1.4']);
    await clock.advance(100);
    await updateSlice(['10.244.1.4', '10.244.1.5']);
    await clock.advance(699);
    expect(applier.restores).toHaveLength(1);
    await clock.advance(1);
    expect(applier.restores).toHaveLength(2);
    expect(sepRules(applier.last)).toEqual(['10.244.1.4:8080', '10.244.1.5:8080']);
    // The endpoints that went away lose their chains in the same restore.
    expect(applier.last.split('\n').filter((l) => l.startsWith('-X '))).toHaveLength(2);

    // Long after the last sync a change is applied at once.
    await clock.advance(5000);
    await updateSlice(['10.244.1.6']);
    await clock.advance(0);
    expect(applier.restores).toHaveLength(3);
    expect(sepRules(applier.last)).toEqual(['10.244.1.6:8080']);
  });

  it('does not re-apply when a change leaves the rules as they are, but re-applies on the periodic full sync', async () => {
    await start({ syncPeriodMs: 30_000 });
    const svc = await client.get<Service>(services, 'default', 'web');
    await client.update(services, { ...svc, metadata: { ...svc.metadata, labels: { team: 'a' } } });
    await clock.advance(2000);
    expect(applier.restores).toHaveLength(1);
    expect(applier.ensureCalls).toBe(2);

    await clock.advance(28_000);
    expect(applier.restores).toHaveLength(2);
    expect(applier.restores[1]).toBe(applier.restores[0]);
    expect([applier.ensureCalls, applier.listCalls]).toEqual([3, 2]);
  });

  it('counts a failed sync, retries it as a full sync with backoff, and recovers', async () => {
    applier.failures = 2;
    await start();
    expect(applier.restores).toHaveLength(0);
    expect(proxier.hasSynced()).toBe(false);
    expect(proxier.lastError).toContain('failed at line 7');
    expect(await metric('skiff_proxy_sync_errors_total')).toEqual([{ labels: {}, value: 1 }]);

    await clock.advance(1000);
    expect(await metric('skiff_proxy_sync_errors_total')).toEqual([{ labels: {}, value: 2 }]);
    await clock.advance(1999);
    expect(applier.restores).toHaveLength(0);
    await clock.advance(1);
    expect(applier.restores).toHaveLength(1);
    expect(proxier.hasSynced()).toBe(true);
    expect(proxier.lastError).toBeUndefined();
    expect(applier.listCalls).toBe(3);
  });

  it('removes a deleted Service\'s chains and deletes stale chains a previous run left behind', async () => {
    applier.chainsInKernel = { nat: ['SKIFF-SERVICES', 'SKIFF-SVC-LEFTBYANOLDRUN'], filter: [] };
    await start();
    expect(applier.last).toContain('-X SKIFF-SVC-LEFTBYANOLDRUN');
    const webChains = applier.last.split('\n').filter((l) => /^:SKIFF-(SVC|SEP)-/.test(l) && !l.includes('LEFTBYANOLDRUN')).map((l) => l.slice(1).split(' ')[0]);
    expect(webChains).toHaveLength(3);

    await clock.advance(2000);
    await client.delete(services, 'default', 'web');
    await clock.advance(0);
    expect(applier.restores).toHaveLength(2);
    expect(applier.last.split('\n').filter((l) => l.startsWith('-X ')).map((l) => l.slice(3)).sort()).toEqual([...webChains].sort());
    expect(applier.last).not.toContain('10.96.0.20');
  });

  it('sends kube-dns to its endpoints like any service when no local DNS listener is configured', async () => {
    await start({ localDns: undefined });
    expect(applier.last).not.toContain('169.254.20.10');
    expect(applier.last).toContain('"kube-system/kube-dns:dns has no endpoints" -m udp -p udp -d 10.96.0.10 --dport 53 -j REJECT');
  });

  it('leaves route_localnet alone when NodePorts are not served on loopback', async () => {
    await start({ nodePortAddresses: ['192.168.5.0/24'] });
    expect(sysctls).toEqual(['net.bridge.bridge-nf-call-iptables=1']);
  });

  it('fails to start with the reason when the base rules cannot be installed', async () => {
    applier.ensureBaseRules = async () => {
      throw new Error('iptables-legacy: cannot add the jump from INPUT to SKIFF-EXTERNAL-SERVICES in table filter: Permission denied (you must be root)');
    };
    await expect(makeProxier().run(abort.signal)).rejects.toThrow('Permission denied (you must be root)');
    expect(applier.restores).toHaveLength(0);
  });
});
