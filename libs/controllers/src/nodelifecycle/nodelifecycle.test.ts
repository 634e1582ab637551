import { formatMicroTime, formatTime, leases, nodes, pods, type Lease, type Node, type Pod, type Toleration } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { NodeLifecycleController } from './nodelifecycle-controller';
import { evictionVerdict, toleratesTaint } from './taints';

const start = Date.parse('2024-05-01T10:00:00Z');
const at = (ms: number) => formatTime(new Date(ms));

function node(name: string, ready: 'True' | 'False' | 'Unknown' = 'True', extra: Partial<Node['spec']> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}` },
    spec: { ...extra },
    status: {
      conditions: [
        { type: 'Ready', status: ready, lastHeartbeatTime: at(start - 1000), lastTransitionTime: at(start - 60_000), reason: 'KubeletReady' },
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: at(start - 1000) },
      ],
    },
  };
}

const lease = (name: string, renewMs = start): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: 'kube-node-lease' },
  spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(new Date(renewMs)) },
});

const pod = (name: string, nodeName: string, tolerations?: Toleration[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], tolerations },
});

const unreachableFor = (seconds?: number): Toleration => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });

describe('nodelifecycle', () => {
  let kit: ControllerTestKit;
  let controller: NodeLifecycleController;

  async function begin(): Promise<void> {
    const ctx: ControllerContext = { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions };
    controller = new NodeLifecycleController(ctx);
    await kit.start();
    controller.run(1);
    await kit.settle();
  }
  const storedNode = (name: string) => kit.client.tracker.get(nodes, undefined, name) as Node;
  const storedPod = (name: string) => kit.client.tracker.get(pods, 'default', name);

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(async () => {
    await controller.stop();
    kit.stop();
  });

  it('leaves a node alone while its Lease is renewed', async () => {
    kit.seed(nodes, node('n1')).seed(leases, lease('n1'));
    await begin();
    for (let i = 1; i <= 10; i++) {
      await kit.clock.advance(10_000);
      await kit.client.patch(leases, 'kube-node-lease', 'n1', 'merge', { spec: { renewTime: formatMicroTime(new Date(kit.clock.now())) } });
    }
    await kit.settle();
    expect(kit.writes().filter((w) => w !== 'patch leases')).toEqual([]);
  });

  it('marks a silent node Unknown after the grace period and taints it unreachable', async () => {
    kit.seed(nodes, node('n1')).seed(leases, lease('n1'));
    await begin();
    await kit.clock.advance(35_000);
    expect(kit.writes()).toEqual([]);
    await kit.clock.advance(10_000);
    await kit.settle();
    expect(kit.writes()).toEqual(['patch nodes/status', 'patch nodes']);
    const n = storedNode('n1');
    const ready = n.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: at(start - 1000) });
    expect(n.status!.conditions!.find((c) => c.type === 'MemoryPressure')!.status).toBe('Unknown');
    expect(n.status!.conditions!.find((c) => c.type === 'DiskPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated' });
    expect(n.spec!.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(start + 40_000) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
    expect(await kit.events()).toContainEqual(expect.objectContaining({ reason: 'NodeNotReady', object: 'Node/n1' }));
  });

  it('taints a NotReady node not-ready and lifts the taint when it is Ready again', async () => {
    kit.seed(nodes, node('n1', 'False')).seed(leases, lease('n1'));
    await begin();
    expect(storedNode('n1').spec!.taints).toEqual([
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: at(start) },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
    ]);
    const conditions = storedNode('n1').status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'True' as const } : c));
    await kit.client.patch(nodes, undefined, 'n1', 'merge', { status: { conditions } }, { subresource: 'status' });
    await kit.settle();
    expect(storedNode('n1').spec!.taints).toBeUndefined();
  });

  it('taints a node NoSchedule for each pressure condition that is True, and lifts it when it clears', async () => {
    const pressured = node('n1', 'True');
    pressured.status!.conditions!.push({ type: 'MemoryPressure', status: 'True' }, { type: 'DiskPressure', status: 'False' }, { type: 'PIDPressure', status: 'True' });
    kit.seed(nodes, pressured).seed(leases, lease('n1'));
    await begin();
    expect(storedNode('n1').spec!.taints).toEqual([
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' },
    ]);
    const conditions = storedNode('n1').status!.conditions!.map((c) => (c.type === 'MemoryPressure' ? { ...c, status: 'False' as const } : c));
    await kit.client.patch(nodes, undefined, 'n1', 'merge', { status: { conditions } }, { subresource: 'status' });
    await kit.settle();
    expect(storedNode('n1').spec!.taints).toEqual([{ key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' }]);
  });

  it('keeps taints it does not own and mirrors spec.unschedulable as a NoSchedule taint', async () => {
    const other = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    kit.seed(nodes, node('n1', 'True', { unschedulable: true, taints: [other] })).seed(leases, lease('n1'));
    await begin();
    expect(storedNode('n1').spec!.taints).toEqual([other, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
  });

  it('evicts pods on an unreachable node: intolerant at once, tolerationSeconds after they run out, tolerate-forever never', async () => {
    const tainted = node('n1', 'Unknown', {
      taints: [
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(start - 10_000) },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      ],
    });
    kit
      .seed(nodes, tainted, node('n2'))
      .seed(leases, lease('n1'), lease('n2'))
      .seed(pods, pod('intolerant', 'n1'), pod('thirty', 'n1', [unreachableFor(30)]), pod('forever', 'n1', [unreachableFor()]), pod('elsewhere', 'n2'));
    await begin();
    expect(kit.writeActions().map((a) => `${a.verb} ${a.resource} ${a.name}`)).toEqual(['delete pods intolerant']);
    expect(storedPod('intolerant')).toBeUndefined();
    await kit.clock.advance(19_000);
    expect(storedPod('thirty')).toBeDefined();
    await kit.clock.advance(1_000);
    await kit.settle();
    expect(storedPod('thirty')).toBeUndefined();
    expect(storedPod('elsewhere')).toBeDefined();
    // n2's Lease is never renewed either, so it too goes unreachable and its intolerant pod goes.
    await kit.clock.advance(600_000);
    expect(storedPod('forever')).toBeDefined();
    expect(storedPod('elsewhere')).toBeUndefined();
    const evictions = (await kit.events()).filter((e) => e.reason === 'TaintManagerEviction');
    expect(evictions.map((e) => e.object).sort()).toEqual(['Pod/elsewhere', 'Pod/intolerant', 'Pod/thirty']);
    expect(evictions.map((e) => e.message)).toContain('Marking for deletion Pod default/intolerant');
  });

  it('evicts a pod that arrives later on a tainted node', async () => {
    kit.seed(nodes, node('n1', 'False')).seed(leases, lease('n1'));
    await begin();
    await kit.client.create(pods, 'default', pod('late', 'n1'));
    await kit.settle();
    expect(storedPod('late')).toBeUndefined();
  });

  it('retries the status patch with backoff when the apiserver fails', async () => {
    kit.seed(nodes, node('n1')).seed(leases, lease('n1'));
    const unavailable = new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'ServiceUnavailable', message: 'etcd is down', code: 503 });
    kit.client.failOn('patch', 'nodes', (a) => (a.subresource === 'status' ? unavailable : undefined), 1);
    await begin();
    await kit.clock.advance(40_000);
    await kit.settle();
    expect(controller.queue.numRequeues('n1')).toBe(1);
    expect(storedNode('n1').spec!.taints).toBeUndefined();
    await kit.clock.advance(100);
    await kit.settle();
    expect(kit.writes()).toEqual(['patch nodes/status', 'patch nodes/status', 'patch nodes']);
    expect(storedNode('n1').status!.conditions![0].status).toBe('Unknown');
  });
});

describe('taint toleration rules', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoExecute' as const, timeAdded: at(start) };
  it('matches by key, value, operator and effect', () => {
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'other' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint)).toBe(false);
  });
  it('takes the smallest tolerationSeconds of the tolerations used', () => {
    const p = pod('p', 'n', [
      { key: 'k', operator: 'Exists', tolerationSeconds: 60 },
      { operator: 'Exists', tolerationSeconds: 20 },
    ]);
    expect(evictionVerdict(p, [taint], start)).toEqual({ kind: 'evictAt', atMs: start + 20_000 });
    expect(evictionVerdict(p, [taint], start + 20_000)).toEqual({ kind: 'evictNow' });
  });
});
