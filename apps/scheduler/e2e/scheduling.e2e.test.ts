import { TestCluster, pod } from './cluster';

/** The scheduler against a real etcd + apiserver, with Node objects and no kubelet. */
jest.setTimeout(60_000);

let cluster: TestCluster;
let metricsUrl: string;

beforeAll(async () => {
  cluster = await TestCluster.start();
  ({ metricsUrl } = await cluster.startScheduler());
});
afterAll(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  await cluster.reset(metricsUrl);
});

const gpuTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('skiff-scheduler on a real apiserver', () => {
  it('places pods by free cpu, counting pods it has just placed', async () => {
    await cluster.addNode('small', { cpu: '1' });
    await cluster.addNode('big', { cpu: '3' });
    await cluster.createPod(pod('a', { cpu: '2' }));
    await cluster.createPod(pod('b', { cpu: '1' }));
    await cluster.createPod(pod('c', { cpu: '1' }));
    const placed = await Promise.all(['a', 'b', 'c'].map((n) => cluster.boundNode(n)));
    expect(placed[0]).toBe('big');
    // 2 + 1 + 1 of 1 + 3 cpus: exactly one of b and c fits next to a on big, the other on small.
    expect([placed[1], placed[2]].sort()).toEqual(['big', 'small']);
    const bound = await cluster.getPod('a');
    expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    const events = await cluster.events('a');
    expect(events).toContainEqual(expect.objectContaining({ reason: 'Scheduled', message: 'Successfully assigned default/a to big', type: 'Normal' }));
  });

  it('says why a pod is Pending in the words Kubernetes uses, and schedules it when a node that fits arrives', async () => {
    await cluster.addNode('n1', { cpu: '1' });
    await cluster.addNode('gpu1', { cpu: '8', taints: [gpuTaint] });
    await cluster.addNode('gpu2', { cpu: '8', taints: [gpuTaint] });
    await cluster.createPod(pod('wants-2-cpu', { cpu: '2' }));
    const condition = await cluster.unschedulable('wants-2-cpu');
    const expected =
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. ' +
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.';
    expect(condition).toMatchObject({ reason: 'Unschedulable', message: expected });
    expect(condition.message!.startsWith('0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.')).toBe(true);
    const events = await cluster.events('wants-2-cpu');
    expect(events).toContainEqual(expect.objectContaining({ reason: 'FailedScheduling', type: 'Warning', message: expected, source: { component: 'default-scheduler' } }));
    await cluster.addNode('n2', { cpu: '2' });
    expect(await cluster.boundNode('wants-2-cpu')).toBe('n2');
  });

  it('honours nodeSelector, required node affinity and preferred node affinity', async () => {
    await cluster.addNode('hdd', { labels: { disk: 'hdd', zone: 'a' } });
    await cluster.addNode('ssd-a', { labels: { disk: 'ssd', zone: 'a' } });
    await cluster.addNode('ssd-b', { labels: { disk: 'ssd', zone: 'b' } });
    await cluster.createPod(pod('selector', { spec: { nodeSelector: { disk: 'ssd', zone: 'b' } } }));
    const requiredAndPreferred = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }],
      },
    };
    await cluster.createPod(pod('affinity', { spec: { affinity: requiredAndPreferred } }));
    await cluster.createPod(pod('nowhere', { spec: { nodeSelector: { disk: 'nvme' } } }));
    expect(await cluster.boundNode('selector')).toBe('ssd-b');
    expect(await cluster.boundNode('affinity')).toBe('ssd-a');
    expect((await cluster.unschedulable('nowhere')).message).toMatch(/^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\./);
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    await cluster.addNode('gpu', { taints: [gpuTaint], labels: { accel: 'gpu' } });
    await cluster.addNode('plain');
    await cluster.createPod(pod('tolerant', { spec: { nodeSelector: { accel: 'gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }));
    await cluster.createPod(pod('intolerant', { spec: { nodeSelector: { accel: 'gpu' } } }));
    expect(await cluster.boundNode('tolerant')).toBe('gpu');
    expect((await cluster.unschedulable('intolerant')).message).toMatch(
      /^0\/2 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) had untolerated taint \{dedicated: gpu\}\./,
    );
  });

  it('spreads replicas with required anti-affinity and co-locates with required affinity', async () => {
    for (const [n, zone] of [['a1', 'a'], ['a2', 'a'], ['b1', 'b']]) await cluster.addNode(n, { labels: { zone } });
    const anti = (app: string) => ({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }] },
    });
    for (const i of [1, 2, 3, 4]) await cluster.createPod(pod(`web-${i}`, { labels: { app: 'web' }, spec: { affinity: anti('web') } }));
    const nodes = await Promise.all([1, 2, 3].map((i) => cluster.boundNode(`web-${i}`)));
    expect(new Set(nodes).size).toBe(3);
    expect((await cluster.unschedulable('web-4')).message).toMatch(/^0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules\./);
    const nearCache = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } };
    await cluster.createPod(pod('cache', { labels: { app: 'cache' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'b1' } } }));
    await cluster.boundNode('cache');
    await cluster.createPod(pod('near-cache', { spec: { affinity: nearCache } }));
    expect(await cluster.boundNode('near-cache')).toBe('b1');
  });

  it('spreads pods evenly over zones with a DoNotSchedule topology spread constraint', async () => {
    for (const [n, zone] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b']]) await cluster.addNode(n, { labels: { zone } });
    const constraint = { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } };
    for (const i of [1, 2, 3, 4]) {
      await cluster.createPod(pod(`s-${i}`, { labels: { app: 'spread' }, spec: { topologySpreadConstraints: [constraint] } }));
      // One at a time, so each decision sees the previous ones bound.
      await cluster.boundNode(`s-${i}`);
    }
    const nodes = await Promise.all([1, 2, 3, 4].map((i) => cluster.boundNode(`s-${i}`)));
    const inZoneB = nodes.filter((n) => n === 'b1').length;
    expect(inZoneB).toBe(2);
  });

  it('leaves pods of other schedulers alone', async () => {
    await cluster.addNode('n1');
    await cluster.createPod(pod('not-mine', { spec: { schedulerName: 'someone-else' } }));
    await cluster.createPod(pod('mine'));
    await cluster.boundNode('mine');
    const theirs = await cluster.getPod('not-mine');
    expect(theirs.spec.nodeName).toBeUndefined();
    expect(theirs.status?.conditions ?? []).toEqual([]);
  });
});
