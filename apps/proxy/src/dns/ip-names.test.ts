import { canonicalIP, dashedIP, ipFromDashedLabel, ipFromReverseName } from './ip-names';

describe('ip-names', () => {
  it('spells IPv6 addresses one way', () => {
    expect(canonicalIP('FD00:0:0:0::0030')).toBe('fd00::30');
    expect(canonicalIP('10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalIP('10.0.0.256')).toBeUndefined();
    expect(canonicalIP('fe80::1%eth0')).toBeUndefined();
  });

  it('reads reverse names', () => {
    expect(ipFromReverseName('4.3.2.1.in-addr.arpa')).toBe('1.2.3.4');
    expect(ipFromReverseName('3.2.1.in-addr.arpa')).toBeUndefined();
    expect(ipFromReverseName('04.3.2.1.in-addr.arpa')).toBeUndefined();
    expect(ipFromReverseName(`${[...'fd000000000000000000000000000030'].reverse().join('.')}.ip6.arpa`)).toBe('fd00::30');
    expect(ipFromReverseName('1.0.ip6.arpa')).toBeUndefined();
  });

  it('reads and writes dashed addresses', () => {
    expect(ipFromDashedLabel('10-244-1-5')).toBe('10.244.1.5');
    expect(ipFromDashedLabel('fd00--5')).toBe('fd00::5');
    expect(ipFromDashedLabel('web-0')).toBeUndefined();
    expect(dashedIP('10.244.1.5')).toBe('10-244-1-5');
    expect(dashedIP('fd00::5')).toBe('fd00--5');
  });
});
