import { UsageError } from '../options';
import { parseProxyBenchArgs } from './proxy-options';

describe('skiff-bench proxy flags', () => {
  it('defaults to 1,000 Services of 10 endpoints, a full sync at a 1 s period and 5 s of DNS load per kind of name', () => {
    expect(parseProxyBenchArgs(['proxy'])).toEqual({
      services: 1000,
      endpointsPerService: 10,
      runs: 5,
      skipSync: false,
      minSyncPeriodMs: 1000,
      changes: 5,
      dnsSeconds: 5,
      dnsConcurrency: 32,
      json: false,
      timeoutSeconds: 600,
    });
  });

  it('reads sizes, periods and switches', () => {
    expect(
      parseProxyBenchArgs(['proxy', '--services=200', '--endpoints', '3', '--runs=2', '--min-sync-period-ms=100', '--changes=0', '--skip-sync', '--dns-seconds=1', '--dns-concurrency=8', '--json']),
    ).toEqual({
      services: 200,
      endpointsPerService: 3,
      runs: 2,
      skipSync: true,
      minSyncPeriodMs: 100,
      changes: 0,
      dnsSeconds: 1,
      dnsConcurrency: 8,
      json: true,
      timeoutSeconds: 600,
    });
  });

  it('rejects bad values and unknown flags with a usage error', () => {
    expect(() => parseProxyBenchArgs(['proxy', '--services', '0'])).toThrow(/--services must be a whole number from 1 to 20000/);
    expect(() => parseProxyBenchArgs(['proxy', '--endpoints', 'many'])).toThrow(UsageError);
    expect(() => parseProxyBenchArgs(['proxy', '--services=20000', '--endpoints=10'])).toThrow(/at most 65000/);
    expect(() => parseProxyBenchArgs(['proxy', '--frobnicate'])).toThrow(UsageError);
    expect(() => parseProxyBenchArgs(['kubelet'])).toThrow(/skiff-bench proxy/);
    expect(parseProxyBenchArgs(['proxy', '--help'])).toBeUndefined();
  });
});
