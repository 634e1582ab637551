import { leases, nodes, type Lease, type Node } from '@skiff/api';
import { FakeClock } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { FakeKubeClient } from '@skiff/testing';
import { HollowHost, type HostReadings } from './host-info';
import { NodeLeaseRenewer, nodeLeaseNamespace } from './node-lease';
import { registerNode } from './node-registration';
import { desiredNodeStatus, nodeStatusChanged, type NodeObservation } from './node-status';
import { NodeStatusReporter } from './node-status-reporter';

function observation(over: Partial<NodeObservation> = {}, readings: Partial<HostReadings> = {}): NodeObservation {
  const host = new HollowHost('n1');
  return {
    facts: host.facts(),
    readings: { ...host.readings(), ...readings },
    maxPods: 110,
    addresses: [{ type: 'InternalIP', address: '192.0.2.10' }],
    kubeletPort: 10250,
    kubeletVersion: 'v1.32.4+skiff',
    containerRuntimeVersion: 'containerd://1.6.20',
    notReadyReasons: [],
    images: [],
    ...over,
  };
}

const t0 = Date.parse('2024-05-01T10:00:00Z');

describe('node status', () => {
  it('reports capacity, allocatable (minus the eviction reserve), addresses, endpoints and node info', () => {
    const s = desiredNodeStatus(undefined, observation(), t0);
    expect(s.capacity).toEqual({ cpu: '8', memory: `${32 * 1024 * 1024}Ki`, 'ephemeral-storage': `${100 * 1024 * 1024}Ki`, pods: '110' });
    expect(s.allocatable?.memory).toBe(`${32 * 1024 * 1024 - 100 * 1024}Ki`);
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '192.0.2.10' }]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.4+skiff', containerRuntimeVersion: 'containerd://1.6.20', operatingSystem: 'linux' });
  });

  it('is Ready with no pressure on a healthy host', () => {
    const s = desiredNodeStatus(undefined, observation(), t0);
    expect(Object.fromEntries(s.conditions!.map((c) => [c.type, c.status]))).toEqual({ MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', Ready: 'True' });
    expect(s.conditions!.find((c) => c.type === 'Ready')?.reason).toBe('KubeletReady');
  });

  it('reports pressure below the eviction thresholds and NotReady with the reasons', () => {
    const s = desiredNodeStatus(undefined, observation({ notReadyReasons: ['container runtime is down: x'] }, { memoryAvailableBytes: 50 * 2 ** 20, nodeFsAvailableBytes: 1 }), t0);
    const byType = Object.fromEntries(s.conditions!.map((c) => [c.type, c]));
    expect(byType.MemoryPressure).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory' });
    expect(byType.DiskPressure).toMatchObject({ status: 'True', reason: 'KubeletHasDiskPressure' });
    expect(byType.Ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down: x' });
  });

  it('moves lastTransitionTime only when a condition flips, and heartbeats always', () => {
    const first = desiredNodeStatus(undefined, observation(), t0);
    const node = { metadata: { name: 'n1' }, status: first } as Node;
    const same = desiredNodeStatus(node, observation(), t0 + 10_000);
    const ready = same.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.lastTransitionTime).toBe('2024-05-01T10:00:00Z');
    expect(ready.lastHeartbeatTime).toBe('2024-05-01T10:00:10Z');
    expect(nodeStatusChanged(first, same)).toBe(false);
    const flipped = desiredNodeStatus(node, observation({ notReadyReasons: ['down'] }), t0 + 20_000);
    expect(flipped.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('2024-05-01T10:00:20Z');
    expect(nodeStatusChanged(first, flipped)).toBe(true);
  });
});

describe('node registration, lease and status reporting', () => {
  it('creates the Node with the well-known labels, and adopts an existing one', async () => {
    const client = new FakeKubeClient();
    const reg = { nodeName: 'n1', architecture: 'amd64', operatingSystem: 'linux', labels: { zone: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' as const }], podCIDR: '10.244.7.0/24' };
    const node = await registerNode(client, reg);
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', zone: 'a' });
    expect(node.spec).toMatchObject({ podCIDR: '10.244.7.0/24', taints: [{ key: 'k', effect: 'NoSchedule' }] });
    client.clearActions();
    const again = await registerNode(client, reg);
    expect(again.metadata.uid).toBe(node.metadata.uid);
    // The create is refused (AlreadyExists) and nothing needs patching.
    expect(client.writes()).toEqual(['create nodes']);
  });

  it('renews a Lease in kube-node-lease owned by the Node', async () => {
    const client = new FakeKubeClient();
    const node = await registerNode(client, { nodeName: 'n1', architecture: 'amd64', operatingSystem: 'linux', labels: {}, taints: [] });
    const renewer = new NodeLeaseRenewer(client, 'n1');
    await renewer.renew(node, t0);
    await renewer.renew(node, t0 + 10_000);
    const lease = await client.get<Lease>(leases, nodeLeaseNamespace, 'n1');
    expect(lease.spec).toMatchObject({ holderIdentity: 'n1', leaseDurationSeconds: 40 });
    expect(lease.spec?.renewTime).toMatch(/^2024-05-01T10:00:10\.000000Z$/);
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'n1', uid: node.metadata.uid });
    expect(client.writes()).toEqual(['create nodes', 'create leases', 'update leases']);
  });

  it('patches nodes/status when something changed and otherwise only renews the lease', async () => {
    const clock = new FakeClock(t0);
    const client = new FakeKubeClient(clock);
    await registerNode(client, { nodeName: 'n1', architecture: 'amd64', operatingSystem: 'linux', labels: {}, taints: [] });
    let obs = observation();
    const reporter = new NodeStatusReporter({
      client,
      clock,
      logger: silentLogger(),
      nodeName: 'n1',
      lease: new NodeLeaseRenewer(client, 'n1'),
      currentNode: () => client.tracker.get(nodes, undefined, 'n1') as Node,
      observe: async () => obs,
    });
    client.clearActions();
    await reporter.round();
    await clock.advance(10_000);
    await reporter.round();
    obs = observation({ notReadyReasons: ['network plugin not ready'] });
    await clock.advance(10_000);
    await reporter.round();
    expect(client.writes()).toEqual(['create leases', 'patch nodes/status', 'update leases', 'update leases', 'patch nodes/status']);
    const node = await client.get<Node>(nodes, undefined, 'n1');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', message: 'network plugin not ready' });
  });
});
