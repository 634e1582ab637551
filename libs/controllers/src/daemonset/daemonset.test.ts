import { controllerrevisions, daemonsets, nodes, pods, type ControllerRevision, type DaemonSet, type Node, type Pod, type Taint } from '@skiff/api';
import { ControllerTestKit } from '@skiff/testing';
import { contextFrom, serverError } from '../endpoints/endpoint-fixtures';
import { daemonPodNode } from './daemon-pod';
import { DaemonSetController } from './daemonset-controller';

const node = (name: string, labels: Record<string, string> = { role: 'worker' }, taints: Taint[] = []): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } }) as Node;

const daemonSet = (image = 'agent:1', extra: Partial<DaemonSet['spec']> = {}): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'kube-system', uid: 'uid-ds', generation: 2 },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { role: 'worker' }, containers: [{ name: 'a', image }] } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    ...extra,
  },
});

describe('the daemonset controller', () => {
  let kit: ControllerTestKit;
  let controller: DaemonSetController;
  const daemonPods = () => kit.client.tracker.list(pods, 'kube-system') as Pod[];
  const podsByNode = () => Object.fromEntries(daemonPods().map((p) => [daemonPodNode(p), p])) as Record<string, Pod>;
  const status = () => (kit.client.tracker.get(daemonsets, 'kube-system', 'agent') as DaemonSet).status;

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(() => kit.stop());

  async function start(): Promise<void> {
    controller = new DaemonSetController(contextFrom(kit));
    await kit.start();
    await drain();
  }
  async function drain(): Promise<void> {
    for (let i = 0; i < 30 && controller.queue.len() > 0; i++) {
      await controller.processNext();
      await kit.settle();
    }
  }
  async function markReady(pod: Pod): Promise<void> {
    const fresh = kit.client.tracker.get(pods, 'kube-system', pod.metadata.name!) as Pod;
    await kit.client.update(pods, { ...fresh, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await kit.settle();
  }

  it('creates one pod per eligible node, pinned by node affinity, with owner, tolerations and the revision hash', async () => {
    kit.seed(daemonsets, daemonSet());
    kit.seed(
      nodes,
      node('a'),
      node('b', { role: 'db' }),
      node('c', { role: 'worker' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]),
      node('d', { role: 'worker' }, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]),
    );
    await start();
    expect(kit.writes().filter((w) => w === 'create pods')).toHaveLength(2);
    expect(Object.keys(podsByNode()).sort()).toEqual(['a', 'c']);
    const pod = podsByNode().a;
    expect(pod.metadata.name).toMatch(/^agent-/);
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] });
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'uid-ds', controller: true, blockOwnerDeletion: true }]);
    expect(pod.metadata.labels).toEqual({ app: 'agent', 'controller-revision-hash': expect.stringMatching(/^[0-9a-z]+$/) });
    expect(pod.spec.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(status()).toEqual({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 0, numberAvailable: 0, numberUnavailable: 2, updatedNumberScheduled: 2, observedGeneration: 2 });
    expect((await kit.events()).map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate']);

    await markReady(podsByNode().a);
    await drain();
    expect(status()).toMatchObject({ numberReady: 1, numberAvailable: 1, numberUnavailable: 1 });
  });

  it('honours required node affinity, and removes pods from nodes that stop qualifying (NoExecute, not NoSchedule)', async () => {
    const ds = daemonSet();
    ds.spec.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }] } } };
    kit.seed(daemonsets, ds);
    kit.seed(nodes, node('a', { role: 'worker', zone: 'z1' }), node('b', { role: 'worker', zone: 'z2' }), node('c', { role: 'worker', zone: 'z3' }), node('e', { role: 'worker', zone: 'z1' }));
    await start();
    expect(Object.keys(podsByNode()).sort()).toEqual(['a', 'b', 'e']);

    await kit.client.update(nodes, node('a', { role: 'worker', zone: 'z1' }, [{ key: 'maintenance', effect: 'NoSchedule' }]));
    await kit.client.update(nodes, node('b', { role: 'worker', zone: 'z2' }, [{ key: 'maintenance', effect: 'NoExecute' }]));
    await kit.client.update(nodes, node('e', { role: 'db', zone: 'z1' }));
    await kit.settle();
    await drain();
    expect(Object.keys(podsByNode()).sort()).toEqual(['a']);
    expect(status()).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 1 });
  });

  it('rolls a new template out within maxUnavailable, replacing old pods one node at a time', async () => {
    kit.seed(daemonsets, daemonSet('agent:1'));
    kit.seed(nodes, node('a'), node('b'), node('c'));
    await start();
    for (const p of daemonPods()) await markReady(p);
    await drain();
    const oldHash = daemonPods()[0].metadata.labels?.['controller-revision-hash'];

    const current = kit.client.tracker.get(daemonsets, 'kube-system', 'agent') as DaemonSet;
    await kit.client.update(daemonsets, { ...current, spec: daemonSet('agent:2').spec });
    await kit.settle();
    await drain();
    // One old pod went, its node got a new pod; the others wait until it is available.
    const hashes = () => daemonPods().map((p) => (p.metadata.labels?.['controller-revision-hash'] === oldHash ? 'old' : 'new')).sort();
    expect(hashes()).toEqual(['new', 'old', 'old']);
    expect(daemonPods().find((p) => p.spec.containers[0].image === 'agent:2')).toBeDefined();
    expect(status()).toMatchObject({ updatedNumberScheduled: 1, numberAvailable: 2 });

    for (let round = 0; round < 2; round++) {
      const fresh = daemonPods().find((p) => !p.status?.conditions?.length)!;
      await markReady(fresh);
      await drain();
    }
    expect(hashes()).toEqual(['new', 'new', 'new']);
    for (const p of daemonPods().filter((p) => !p.status?.conditions?.length)) await markReady(p);
    await drain();
    expect(status()).toMatchObject({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberReady: 3, numberAvailable: 3, numberUnavailable: 0 });
    // Both templates are kept as revisions (for rollout history/undo), the pods' hash naming the newest.
    const revisions = (kit.client.tracker.list(controllerrevisions, 'kube-system') as ControllerRevision[]).sort((a, b) => a.revision - b.revision);
    expect(revisions.map((r) => [r.metadata.name, r.revision])).toEqual([
      [`agent-${oldHash}`, 1],
      [`agent-${daemonPods()[0].metadata.labels?.['controller-revision-hash']}`, 2],
    ]);
    expect(revisions[1].data).toMatchObject({ spec: { template: { spec: { containers: [{ image: 'agent:2' }] } } } });
  });

  it('does not create a second pod for a node while its own create has not reached the cache', async () => {
    kit.seed(daemonsets, daemonSet());
    kit.seed(nodes, node('a'));
    controller = new DaemonSetController(contextFrom(kit));
    await kit.start();
    await controller.reconcile('kube-system/agent');
    await controller.reconcile('kube-system/agent');
    await kit.settle();
    expect(kit.writes().filter((w) => w === 'create pods')).toHaveLength(1);
  });

  it('deletes a failed daemon pod and replaces it, and retries a failed create after backoff', async () => {
    kit.client.failOn('create', 'pods', serverError(), 1);
    kit.seed(daemonsets, daemonSet());
    kit.seed(nodes, node('a'));
    await start();
    expect(daemonPods()).toEqual([]);
    await kit.clock.advance(10);
    await drain();
    const [first] = daemonPods();
    expect(daemonPodNode(first)).toBe('a');

    await kit.client.update(pods, { ...first, status: { phase: 'Failed' } }, { subresource: 'status' });
    await kit.settle();
    await drain();
    expect(daemonPods().map((p) => p.metadata.name)).not.toContain(first.metadata.name);
    expect(daemonPods()).toHaveLength(1);
  });
});
