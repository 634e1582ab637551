import { benchAddresses, benchSlice, changedEndpointIP, dnatsTo, endpointIP, endpointRangePrefix, localClusterIP } from './bench-objects';

describe('the proxy benchmark objects', () => {
  it('gives every endpoint of 1,000 Services × 10 its own address in 10.250.0.0/16', () => {
    const all = Array.from({ length: 1000 }, (_, i) => benchAddresses(i, 10)).flat();
    expect(new Set(all).size).toBe(10_000);
    expect(all.every((ip) => ip.startsWith(endpointRangePrefix))).toBe(true);
    expect([endpointIP(0, 0, 10), endpointIP(999, 9, 10)]).toEqual(['10.250.1.0', '10.250.40.15']);
    expect(changedEndpointIP(0)).toBe('10.251.1.0');
    expect(localClusterIP(0)).toBe('10.96.4.0');
  });

  it('writes slices the way the EndpointSlice controller does, tied to their Service by label', () => {
    const s = benchSlice(7, ['10.250.1.70']);
    expect(s.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'bench-svc-00007' });
    expect(s.endpoints).toEqual([{ addresses: ['10.250.1.70'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'bench-node' }]);
  });

  it('counts the DNAT rules to a range in restore text', () => {
    const text = '-A SKIFF-SEP-A -m tcp -p tcp -j DNAT --to-destination 10.250.1.0:8080\n-A SKIFF-SEP-B -j DNAT --to-destination 10.244.0.5:80\n';
    expect(dnatsTo(text, endpointRangePrefix)).toBe(1);
    expect(dnatsTo('', endpointRangePrefix)).toBe(0);
  });
});
