import { parseKubeletFlags, UsageError } from './options';

describe('skiff-kubelet flags', () => {
  it('defaults to a managed containerd on the kubelet port', () => {
    const o = parseKubeletFlags(['--hostname-override=n1'])!;
    expect(o).toMatchObject({ nodeName: 'n1', runtime: 'containerd-managed', port: 10250, address: '0.0.0.0', maxPods: 110, clusterDomain: 'cluster.local', clusterDNS: [], hollowNodes: 1, syncFrequencyMs: 10_000 });
  });

  it('takes a cgroup root for the pods, refusing relative or odd paths', () => {
    expect(parseKubeletFlags([])!.cgroupRoot).toBe('');
    expect(parseKubeletFlags(['--cgroup-root=/skiff/node-1/'])!.cgroupRoot).toBe('/skiff/node-1');
    expect(() => parseKubeletFlags(['--cgroup-root=skiff'])).toThrow('--cgroup-root');
    expect(() => parseKubeletFlags(['--cgroup-root=/a b'])).toThrow('--cgroup-root');
  });

  it('masquerades on the pod bridge unless told the proxy does it', () => {
    expect(parseKubeletFlags([])!.cniMasquerade).toBe(true);
    expect(parseKubeletFlags(['--cni-masquerade=false'])!.cniMasquerade).toBe(false);
  });

  it('parses labels, taints, DNS servers and the runtime endpoint', () => {
    const o = parseKubeletFlags(['--node-labels=zone=a,disk=ssd', '--register-with-taints=dedicated=gpu:NoSchedule,spot:PreferNoSchedule', '--cluster-dns=10.96.0.10', '--runtime=remote', '--container-runtime-endpoint=/run/c.sock'])!;
    expect(o.nodeLabels).toEqual({ zone: 'a', disk: 'ssd' });
    expect(o.registerWithTaints).toEqual([
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'spot', effect: 'PreferNoSchedule' },
    ]);
    expect(o.clusterDNS).toEqual(['10.96.0.10']);
    expect(o.containerRuntimeEndpoint).toBe('unix:///run/c.sock');
  });

  it.each([['--runtime=docker'], ['--pod-cidr=10.0.0.0'], ['--register-with-taints=k:Sometimes'], ['--node-labels=novalue'], ['--container-runtime-endpoint=relative.sock'], ['--hollow-nodes=3']])('rejects %s with one line', (flag) => {
    expect(() => parseKubeletFlags([flag])).toThrow(UsageError);
  });
});
