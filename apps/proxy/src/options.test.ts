import { parseProxyFlags, UsageError } from './options';

describe('skiff-proxy flags', () => {
  it('has kube-proxy-like defaults', () => {
    const o = parseProxyFlags(['--hostname-override=n1'])!;
    expect(o).toMatchObject({ nodeName: 'n1', port: 10256, clusterCIDR: '10.244.0.0/16', serviceCIDRs: ['10.96.0.0/12'], nodePortAddresses: [], minSyncPeriodMs: 1000, syncPeriodMs: 30000, cleanup: false, dns: true, dnsPort: 53, clusterDomain: 'cluster.local' });
  });

  it('parses lists, durations and switches', () => {
    const o = parseProxyFlags(['--nodeport-addresses=127.0.0.0/8,192.0.2.0/24', '--min-sync-period=250ms', '--cleanup', '--dns=false', '--dns-port=0'])!;
    expect(o).toMatchObject({ nodePortAddresses: ['127.0.0.0/8', '192.0.2.0/24'], minSyncPeriodMs: 250, cleanup: true, dns: false, dnsPort: 0 });
    expect(parseProxyFlags(['--service-cluster-ip-range=10.0.0.0/16,10.1.0.0/16'])!.serviceCIDRs).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
    expect(parseProxyFlags(['--service-cluster-ip-range='])!.serviceCIDRs).toEqual([]);
  });

  it.each([['--cluster-cidr=10.0.0.0'], ['--service-cluster-ip-range=10.96.0.0'], ['--nodeport-addresses=1.2.3.4/40'], ['--dns-address=nope'], ['--min-sync-period=soon'], ['--unknown']])('rejects %s with one line', (flag) => {
    expect(() => parseProxyFlags([flag])).toThrow(UsageError);
    try {
      parseProxyFlags([flag]);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
