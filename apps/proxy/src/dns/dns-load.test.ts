import { ClusterDnsServer, type DnsServerAddress } from './cluster-dns-server';
import { measureDnsQps } from './dns-load';
import { InMemoryDnsRecordSource } from './record-source';

let server: ClusterDnsServer;
let addr: DnsServerAddress;

beforeAll(async () => {
  const source = new InMemoryDnsRecordSource().setService({ namespace: 'default', name: 'web', clusterIPs: ['10.96.0.20'], headless: false, ports: [] });
  // No upstream slots: anything forwarded is REFUSED at once.
  server = new ClusterDnsServer({ source, address: '127.0.0.1', port: 0, upstreams: [], maxConcurrentForwards: 0 });
  addr = await server.start();
});

afterAll(() => server.stop());

describe('measureDnsQps', () => {
  it('counts answered queries and reports their latency', async () => {
    const result = await measureDnsQps({ server: addr, names: ['web.default.svc.cluster.local', 'missing.default.svc.cluster.local'], durationMs: 200, concurrency: 4 });
    expect(result.answered).toBeGreaterThan(0);
    expect(result.failed).toBe(0);
    expect(result.timedOut).toBe(0);
    expect(result.qps).toBeCloseTo((result.answered * 1000) / result.elapsedMs, 6);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
  });

  it('does not count error answers or unanswered queries', async () => {
    const refused = await measureDnsQps({ server: addr, names: ['example.com'], durationMs: 100, concurrency: 2 });
    expect([refused.answered, refused.qps]).toEqual([0, 0]);
    expect(refused.failed).toBeGreaterThan(0);

    const stopped = new ClusterDnsServer({ source: new InMemoryDnsRecordSource(), address: '127.0.0.1', port: 0, upstreams: [] });
    const stoppedAddr = await stopped.start();
    await stopped.stop();
    const unanswered = await measureDnsQps({ server: stoppedAddr, names: ['web.default.svc.cluster.local'], durationMs: 50, concurrency: 1, timeoutMs: 50 });
    expect(unanswered.answered).toBe(0);
    expect(unanswered.timedOut).toBeGreaterThan(0);
  });

  it('rejects bad options', async () => {
    await expect(measureDnsQps({ server: addr, names: [], durationMs: 10, concurrency: 1 })).rejects.toThrow('at least one name');
    await expect(measureDnsQps({ server: addr, names: ['a'], durationMs: 10, concurrency: 0 })).rejects.toThrow('concurrency');
  });
});
