import { renderProxyTable } from './proxy-report';
import type { ProxyBenchResult } from './proxy-result';

const latency = { count: 5, min: 1, mean: 2, p50: 2, p90: 3, p99: 3, max: 3 };
const dnsLoad = { names: 1000, qps: 20000, answered: 100000, failed: 0, timedOut: 0, p50Ms: 1.3, p99Ms: 4.4, serverResults: { answer: 100000 } };

const result: ProxyBenchResult = {
  benchmark: 'proxy',
  services: 1000,
  endpointsPerService: 10,
  runs: 5,
  render: { latencyMs: latency, restoreBytes: 3 * 1024 * 1024, natRules: 32005, filterRules: 5, natChains: 11004 },
  apply: { baseRulesMs: 170, firstApplyMs: 280, reapplyMs: latency, oneChangeMs: latency, removeAllMs: 150 },
  sync: {
    minSyncPeriodMs: 1000,
    objects: 2000,
    writeSeconds: 8.7,
    lastWriteToAppliedMs: 595,
    syncsWhileWriting: 9,
    finalRestoreMs: 299,
    meanSyncMs: 326,
    oneChangeToAppliedMs: latency,
  },
  dns: { servicesLoaded: 1000, concurrency: 32, seconds: 5, serviceNames: dnsLoad, unknownNames: { ...dnsLoad, timedOut: 3, serverResults: {} } },
  environment: { node: 'v20', platform: 'linux', cpus: 2, iptables: 'iptables v1.8.9 (legacy)' },
};

describe('the proxy benchmark report', () => {
  it('names every measurement, and says what did not go well', () => {
    const text = renderProxyTable(result);
    expect(text).toContain('1000 Services × 10 ready endpoints (10000 endpoints)');
    expect(text).toContain('restore input 3.00 MiB');
    expect(text).toContain('last write → rules for every endpoint applied:        595.0 ms');
    expect(text).toMatch(/A for service names\s*: 20000 queries\/s, p50 1.30 ms, p99 4.40 ms \(100000 answered; server: answer 100000\)/);
    expect(text).toContain('0 failed, 3 timed out; server: nothing');
    expect(text).not.toMatch(/undefined|NaN/);
  });

  it('says when the full sync was skipped', () => {
    expect(renderProxyTable({ ...result, sync: null })).toContain('full sync through the Proxier: skipped (--skip-sync)');
  });
});
