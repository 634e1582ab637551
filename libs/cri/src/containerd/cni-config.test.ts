import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { podNetworkConflist, podNetworkConfigFile, validatePodCidr, writePodNetworkConfig } from './cni-config';

describe('podNetworkConflist', () => {
  it('is a bridge with host-local addresses from the pod CIDR, then portmap', () => {
    expect(podNetworkConflist({ podCidr: '10.244.3.0/24', ipamDataDir: '/n/ipam' })).toEqual({
      cniVersion: '1.0.0',
      name: 'skiff',
      plugins: [
        {
          type: 'bridge',
          bridge: 'skiff0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.3.0/24' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/n/ipam' },
        },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      ],
    });
  });

  it('leaves masquerading to the proxy when asked', () => {
    const [bridge] = podNetworkConflist({ podCidr: '10.244.3.0/24', ipamDataDir: '/n/ipam', masquerade: false }).plugins as Array<Record<string, unknown>>;
    expect(bridge.ipMasq).toBe(false);
  });

  it('takes a bridge name, network name and MTU', () => {
    const list = podNetworkConflist({ podCidr: '10.1.0.0/16', ipamDataDir: '/n/ipam', bridgeName: 'br-node2', networkName: 'node2', mtu: 1450 });
    const [bridge] = list.plugins as Array<Record<string, unknown>>;
    expect(list.name).toBe('node2');
    expect(bridge).toMatchObject({ bridge: 'br-node2', mtu: 1450 });
  });

  it('rejects bad CIDRs, bridge names, network names, MTUs and relative data folders', () => {
    const ok = { podCidr: '10.244.3.0/24', ipamDataDir: '/n/ipam' };
    expect(() => podNetworkConflist({ ...ok, bridgeName: 'a-name-too-long-for-linux' })).toThrow(/at most|1-15/);
    expect(() => podNetworkConflist({ ...ok, bridgeName: 'br 0' })).toThrow(/bridge name/);
    expect(() => podNetworkConflist({ ...ok, networkName: '-x' })).toThrow(/CNI network name "-x"/);
    expect(() => podNetworkConflist({ ...ok, mtu: 100 })).toThrow(/mtu/);
    expect(() => podNetworkConflist({ ...ok, ipamDataDir: 'ipam' })).toThrow(/absolute/);
  });
});

describe('validatePodCidr', () => {
  it.each(['10.244.1.0/24', '192.168.0.0/16', '10.0.0.0/8', '10.244.1.4/30'])('accepts %s', (c) => {
    expect(validatePodCidr(c)).toBe(c);
  });
  it.each(['10.244.1.0', '10.244.1.0/31', '10.244.1.0/7', '10.244.1.300/24', 'fd00::/64', '10.244.1/24', ''])('rejects %s', (c) => {
    expect(() => validatePodCidr(c)).toThrow(/pod CIDR must be an IPv4 network/);
  });
  it('rejects host bits', () => {
    expect(() => validatePodCidr('10.244.1.1/24')).toThrow(/10.244.1.1\/24 has host bits set/);
  });
});

describe('writePodNetworkConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cni-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the conflist under its name, replacing an older one and leaving no temp file', () => {
    const confDir = path.join(dir, 'net.d');
    const file = writePodNetworkConfig(confDir, { podCidr: '10.244.1.0/24', ipamDataDir: '/n/ipam' });
    expect(file).toBe(podNetworkConfigFile(confDir));
    expect(path.basename(file)).toBe('10-skiff.conflist');
    writePodNetworkConfig(confDir, { podCidr: '10.244.2.0/24', ipamDataDir: '/n/ipam' });
    expect(fs.readdirSync(confDir)).toEqual(['10-skiff.conflist']);
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written.plugins[0].ipam.ranges).toEqual([[{ subnet: '10.244.2.0/24' }]]);
  });

  it('writes nothing for bad input', () => {
    expect(() => writePodNetworkConfig(dir, { podCidr: 'nonsense', ipamDataDir: '/n/ipam' })).toThrow(/pod CIDR/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
