import { IPv4Allocator } from './ip-allocator';

describe('IPv4Allocator', () => {
  it('skips the network address, the gateway and broadcast, and goes round-robin', () => {
    const pool = new IPv4Allocator('10.244.1.77/29');
    expect(pool.cidr).toBe('10.244.1.72/29');
    expect(pool.gateway).toBe('10.244.1.73');
    const got = [pool.allocate(), pool.allocate(), pool.allocate()];
    expect(got).toEqual(['10.244.1.74', '10.244.1.75', '10.244.1.76']);
    pool.release('10.244.1.75');
    expect(pool.allocate()).toBe('10.244.1.77');
    expect(pool.allocate()).toBe('10.244.1.78');
    expect(pool.allocate()).toBe('10.244.1.75');
    expect(() => pool.allocate()).toThrow('no IP addresses available in range set: 10.244.1.74-10.244.1.78');
    expect(pool.allocated).toBe(5);
  });

  it('reserves addresses already in use', () => {
    const pool = new IPv4Allocator('10.0.0.0/29');
    expect(pool.reserve('10.0.0.2')).toBe(true);
    expect(pool.reserve('10.0.0.2')).toBe(false);
    expect(pool.reserve('10.0.0.1')).toBe(false);
    expect(pool.reserve('192.168.0.2')).toBe(false);
    expect(pool.allocate()).toBe('10.0.0.3');
  });

  it.each(['10.0.0.0', '10.0.0.0/31', '10.0.0.256/24', 'fd00::/64', 'x/8'])('rejects %j', (cidr) => {
    expect(() => new IPv4Allocator(cidr)).toThrow(`invalid pod CIDR ${JSON.stringify(cidr)}`);
  });
});
