import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResolvConf, podDNSConfig, podDNSType, readResolvConf, type DNSSettings } from './dns-config';
import { testPod } from './test-fixtures';
import type { PodWarning } from './warnings';

const hostDNS = parseResolvConf(
  ['# generated', 'nameserver 192.168.0.1', 'nameserver 192.168.0.2', 'search old.example', 'search corp.example. lab.example .', 'options ndots:2 timeout:1', 'options ndots:3 rotate', ''].join('\n'),
);
const settings: DNSSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostDNS };

describe('parseResolvConf', () => {
  it('accumulates nameservers, keeps the last search line and merges options by name', () => {
    expect(hostDNS).toEqual({
      servers: ['192.168.0.1', '192.168.0.2'],
      searches: ['corp.example', 'lab.example'],
      options: ['ndots:3', 'timeout:1', 'rotate'],
    });
  });

  it('reads a file, and nothing for an empty path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolv-'));
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 1.1.1.1\n');
    expect(readResolvConf(join(dir, 'resolv.conf'))?.servers).toEqual(['1.1.1.1']);
    expect(readResolvConf('')).toBeUndefined();
    expect(() => readResolvConf(join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});

describe('podDNSConfig', () => {
  it('ClusterFirst: cluster servers, cluster searches then the host ones, ndots:5', () => {
    expect(podDNSConfig(testPod(), settings)).toEqual({
      servers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'],
      options: ['ndots:5'],
    });
  });

  it('ClusterFirst on the host network uses the host resolver; ClusterFirstWithHostNet the cluster one', () => {
    expect(podDNSConfig(testPod({ hostNetwork: true }), settings).servers).toEqual(['192.168.0.1', '192.168.0.2']);
    expect(podDNSConfig(testPod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), settings).servers).toEqual(['10.96.0.10']);
  });

  it('Default copies the host resolv.conf', () => {
    expect(podDNSConfig(testPod({ dnsPolicy: 'Default' }), settings)).toEqual(hostDNS);
  });

  it('Default without a host resolv.conf points at the node itself', () => {
    expect(podDNSConfig(testPod({ dnsPolicy: 'Default' }), { ...settings, hostDNS: undefined, nodeIPs: ['192.168.0.9'] })).toEqual({
      servers: ['127.0.0.1'],
      searches: ['.'],
      options: [],
    });
  });

  it('None takes spec.dnsConfig alone', () => {
    const pod = testPod({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    });
    expect(podDNSConfig(pod, settings)).toEqual({ servers: ['1.2.3.4'], searches: ['a.example'], options: ['ndots:2', 'edns0'] });
  });

  it('merges spec.dnsConfig into a policy: appended without duplicates, options replaced by name', () => {
    const pod = testPod({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['cluster.local', 'x.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } });
    expect(podDNSConfig(pod, settings)).toEqual({
      servers: ['10.96.0.10', '8.8.8.8'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'x.example'],
      options: ['ndots:1', 'single-request'],
    });
  });

  it('falls back to Default with a warning when no cluster DNS is configured', () => {
    const warnings: PodWarning[] = [];
    const config = podDNSConfig(testPod(), { ...settings, clusterDNS: [] }, (w) => warnings.push(w));
    expect(config).toEqual(hostDNS);
    expect(warnings[0].reason).toBe('MissingClusterDNS');
    expect(warnings[0].message).toContain('Falling back to "Default" policy');
    expect(podDNSType(testPod({ dnsPolicy: 'None' }), { clusterDNS: [] })).toBe('None');
  });

  it('trims to three nameservers and the search limits, warning each time', () => {
    const warnings: PodWarning[] = [];
    const long = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const pod = testPod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: [...long, 'x'.repeat(300)] } });
    const config = podDNSConfig(pod, settings, (w) => warnings.push(w));
    expect(config.servers).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(config.searches).toEqual(long.slice(0, 32));
    expect(warnings.map((w) => w.reason)).toEqual(['DNSConfigForming', 'DNSConfigForming']);

    const wide = Array.from({ length: 10 }, (_, i) => `${String(i).padStart(240, 'a')}.example`.slice(0, 250));
    expect(podDNSConfig(testPod({ dnsPolicy: 'None', dnsConfig: { searches: wide } }), settings).searches!.join(' ').length).toBeLessThanOrEqual(2048);
  });
});
