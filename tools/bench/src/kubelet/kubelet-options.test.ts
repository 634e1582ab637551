import { UsageError } from '../options';
import { parseKubeletBenchArgs } from './kubelet-options';

describe('skiff-bench kubelet flags', () => {
  it('defaults to 30 pods at 5 per second on 10.244.230.0/24', () => {
    expect(parseKubeletBenchArgs(['kubelet'])).toEqual({ pods: 30, rate: 5, warmup: 1, podCIDR: '10.244.230.0/24', bridge: 'skbench0', json: false, timeoutSeconds: 300 });
  });

  it('reads the sizes, the network and the profile folder', () => {
    expect(parseKubeletBenchArgs(['kubelet', '--pods=60', '--rate', '10', '--warmup=0', '--pod-cidr=10.244.231.0/24', '--bridge=skb1', '--cpu-prof-dir=/tmp/p', '--json'])).toEqual({
      pods: 60,
      rate: 10,
      warmup: 0,
      podCIDR: '10.244.231.0/24',
      bridge: 'skb1',
      cpuProfileDir: '/tmp/p',
      json: true,
      timeoutSeconds: 300,
    });
  });

  it('rejects bad values and unknown flags with a usage error', () => {
    expect(() => parseKubeletBenchArgs(['kubelet', '--pods', '0'])).toThrow(/--pods must be a whole number from 1 to 110/);
    expect(() => parseKubeletBenchArgs(['kubelet', '--rate', 'fast'])).toThrow(UsageError);
    expect(() => parseKubeletBenchArgs(['kubelet', '--pod-cidr', '10.244.0.0/16'])).toThrow(/--pod-cidr must be an IPv4 \/24/);
    expect(() => parseKubeletBenchArgs(['kubelet', '--bridge', 'a-bridge-name-too-long'])).toThrow(/--bridge must be 1-15/);
    expect(() => parseKubeletBenchArgs(['kubelet', '--frobnicate'])).toThrow(UsageError);
    expect(() => parseKubeletBenchArgs(['scheduler'])).toThrow(/skiff-bench kubelet/);
  });
});
