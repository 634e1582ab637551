import { buildSandboxConfig, kernelHostname, podCgroupParent, podHostnameAndDomain, podPortMappings, type SandboxOptions } from './sandbox-config';
import { testContainer, testPod } from './test-fixtures';

const opts: SandboxOptions = {
  clusterDNS: ['10.96.0.10'],
  clusterDomain: 'cluster.local',
  resolvConf: '',
  hostDNS: { servers: ['192.168.0.1'], searches: ['corp.example'], options: [] },
};

describe('buildSandboxConfig', () => {
  it('builds the whole sandbox config of a plain pod', () => {
    const pod = testPod(
      {
        containers: [testContainer({ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] })],
        securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
      },
      { labels: { app: 'web' }, annotations: { note: 'x' } },
    );
    expect(buildSandboxConfig(pod, { ...opts, attempt: 1 })).toEqual({
      metadata: { name: 'web', namespace: 'shop', uid: '1111-2222', attempt: 1 },
      hostname: 'web',
      logDirectory: '/var/log/pods/shop_web_1111-2222',
      dnsConfig: {
        servers: ['10.96.0.10'],
        searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
        options: ['ndots:5'],
      },
      portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort: 8080 }],
      labels: { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': '1111-2222' },
      annotations: { note: 'x' },
      linux: {
        cgroupParent: '/kubepods/besteffort/pod1111-2222',
        securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' }, privileged: false, seccomp: { profileType: 'RuntimeDefault' } },
        sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      },
    });
  });

  it('leaves the hostname empty on the host network and uses the host resolver there', () => {
    const config = buildSandboxConfig(testPod({ hostNetwork: true }), opts);
    expect(config.hostname).toBe('');
    expect(config.dnsConfig?.servers).toEqual(['192.168.0.1']);
    expect(config.linux?.securityContext?.namespaceOptions?.network).toBe('NODE');
  });

  it('honours the logs root and cgroup root options, and no cgroup parent for an empty root', () => {
    const config = buildSandboxConfig(testPod(), { ...opts, podLogsRoot: '/tmp/logs', cgroupParentRoot: '/node-a/kubepods' });
    expect(config.logDirectory).toBe('/tmp/logs/shop_web_1111-2222');
    expect(config.linux?.cgroupParent).toBe('/node-a/kubepods/besteffort/pod1111-2222');
    expect(buildSandboxConfig(testPod(), { ...opts, cgroupParentRoot: '' }).linux?.cgroupParent).toBeUndefined();
  });

  it('reads the resolv.conf named when no parsed one is given', () => {
    expect(() => buildSandboxConfig(testPod({ dnsPolicy: 'Default' }), { ...opts, hostDNS: undefined, resolvConf: '/nonexistent/resolv.conf' })).toThrow(/ENOENT/);
  });
});

describe('podCgroupParent', () => {
  it('puts Guaranteed pods right under the root and the others under their class', () => {
    const guaranteed = testPod({ containers: [testContainer({ resources: { limits: { cpu: '1', memory: '1Gi' } } })] });
    const burstable = testPod({ containers: [testContainer({ resources: { requests: { cpu: '1' } } })] });
    expect(podCgroupParent(guaranteed)).toBe('/kubepods/pod1111-2222');
    expect(podCgroupParent(burstable)).toBe('/kubepods/burstable/pod1111-2222');
    expect(podCgroupParent(testPod())).toBe('/kubepods/besteffort/pod1111-2222');
  });
});

describe('hostnames', () => {
  it('uses spec.hostname over the name and cuts long names at 63 without a trailing dash or dot', () => {
    expect(podHostnameAndDomain(testPod({ hostname: 'db-0', subdomain: 'db' }), 'cluster.local')).toEqual({ hostname: 'db-0', domain: 'db.shop.svc.cluster.local' });
    const long = 'a'.repeat(61) + '-.b';
    expect(podHostnameAndDomain(testPod({}, { name: long }), 'cluster.local').hostname).toBe('a'.repeat(61));
  });

  it('sets the FQDN as the kernel hostname only when asked, within 64 characters', () => {
    expect(kernelHostname(testPod({ hostname: 'db-0', subdomain: 'db' }), 'cluster.local')).toBe('db-0');
    expect(kernelHostname(testPod({ hostname: 'db-0', subdomain: 'db', setHostnameAsFQDN: true }), 'cluster.local')).toBe('db-0.db.shop.svc.cluster.local');
    expect(() => kernelHostname(testPod({ hostname: 'x'.repeat(40), subdomain: 'db', setHostnameAsFQDN: true }), 'cluster.local')).toThrow('is too long (64 characters is the max');
  });
});

describe('podPortMappings', () => {
  it('maps host ports of every container with their protocol and host IP', () => {
    const pod = testPod({
      containers: [
        testContainer({ ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }, { name: 'dup', containerPort: 1, hostPort: 1 }, { name: 'dup', containerPort: 2, hostPort: 2 }] }),
        testContainer({ name: 'b', ports: [{ containerPort: 9000, hostPort: 9000, protocol: 'SCTP' }] }),
      ],
    });
    expect(podPortMappings(pod)).toEqual([
      { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
      { protocol: 'TCP', containerPort: 1, hostPort: 1 },
      { protocol: 'SCTP', containerPort: 9000, hostPort: 9000 },
    ]);
  });
});
