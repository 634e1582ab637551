import { controllerrevisions, pods, statefulsets, type Pod, type StatefulSet } from '@skiff/api';
import { ControllerTestKit } from '@skiff/testing';
import { contextFrom, serverError } from '../endpoints/endpoint-fixtures';
import { StatefulSetController } from './statefulset-controller';

const statefulSet = (replicas: number, extra: Partial<StatefulSet['spec']> = {}, image = 'db:1'): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'data', uid: 'uid-sts', generation: 1 },
  spec: {
    replicas,
    serviceName: 'db-hl',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } },
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    ...extra,
  },
});

describe('the statefulset controller', () => {
  let kit: ControllerTestKit;
  let controller: StatefulSetController;
  const podNames = () => (kit.client.tracker.list(pods, 'data') as Pod[]).map((p) => p.metadata.name).sort();
  const pod = (name: string) => kit.client.tracker.get(pods, 'data', name) as Pod;
  const images = () => Object.fromEntries((kit.client.tracker.list(pods, 'data') as Pod[]).map((p) => [p.metadata.name, p.spec.containers[0].image]));
  const status = () => (kit.client.tracker.get(statefulsets, 'data', 'db') as StatefulSet).status;

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(() => kit.stop());

  async function start(): Promise<void> {
    controller = new StatefulSetController(contextFrom(kit));
    await kit.start();
    await drain();
  }
  async function drain(): Promise<void> {
    for (let i = 0; i < 30 && controller.queue.len() > 0; i++) {
      await controller.processNext();
      await kit.settle();
    }
  }
  async function markReady(name: string): Promise<void> {
    await kit.client.update(pods, { ...pod(name), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await kit.settle();
    await drain();
  }
  async function setSpec(spec: Partial<StatefulSet['spec']>): Promise<void> {
    const current = kit.client.tracker.get(statefulsets, 'data', 'db') as StatefulSet;
    await kit.client.update(statefulsets, { ...current, spec: { ...current.spec, ...spec } });
    await kit.settle();
    await drain();
  }

  it('creates ordinals in order, each only once the previous one is Running and Ready, with stable identities', async () => {
    kit.seed(statefulsets, statefulSet(3));
    await start();
    expect(podNames()).toEqual(['db-0']);
    const first = pod('db-0');
    expect(first.spec.hostname).toBe('db-0');
    expect(first.spec.subdomain).toBe('db-hl');
    expect(first.metadata.labels).toEqual({ app: 'db', 'controller-revision-hash': expect.stringMatching(/^db-/), 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'db', uid: 'uid-sts', controller: true });
    expect(kit.client.tracker.list(controllerrevisions, 'data').map((r) => r.metadata.name)).toEqual([first.metadata.labels?.['controller-revision-hash']]);

    await markReady('db-0');
    expect(podNames()).toEqual(['db-0', 'db-1']);
    await markReady('db-1');
    await markReady('db-2');
    expect(podNames()).toEqual(['db-0', 'db-1', 'db-2']);
    expect(status()).toMatchObject({ observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3 });
    expect(status()?.currentRevision).toBe(status()?.updateRevision);
    expect((await kit.events()).map((e) => e.message)).toEqual(['create Pod db-0 in StatefulSet db successful', 'create Pod db-1 in StatefulSet db successful', 'create Pod db-2 in StatefulSet db successful']);
  });

  it('scales down from the highest ordinal, one pod at a time', async () => {
    kit.seed(statefulsets, statefulSet(3));
    await start();
    for (const n of ['db-0', 'db-1', 'db-2']) await markReady(n);
    // A finalizer keeps db-2 terminating for a while: db-1 must wait until it is gone.
    await kit.client.patch(pods, 'data', 'db-2', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await kit.settle();
    await drain();
    kit.client.clearActions();
    await setSpec({ replicas: 1 });
    const deletes = () => kit.client.actions.filter((a) => a.verb === 'delete' && a.resource === 'pods').map((a) => a.name);
    expect(deletes()).toEqual(['db-2']);
    expect(podNames()).toEqual(['db-0', 'db-1', 'db-2']);

    await kit.client.patch(pods, 'data', 'db-2', 'merge', { metadata: { finalizers: null } });
    await kit.settle();
    await drain();
    expect(deletes()).toEqual(['db-2', 'db-1']);
    expect(podNames()).toEqual(['db-0']);
    expect(status()).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it('with Parallel management creates and removes all pods at once', async () => {
    kit.seed(statefulsets, statefulSet(3, { podManagementPolicy: 'Parallel' }));
    await start();
    expect(podNames()).toEqual(['db-0', 'db-1', 'db-2']);
    kit.client.clearActions();
    await setSpec({ replicas: 0 });
    expect(podNames()).toEqual([]);
  });

  it('rolls out a new template from the highest ordinal down to the partition, waiting for each pod to be ready', async () => {
    kit.seed(statefulsets, statefulSet(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await start();
    for (const n of ['db-0', 'db-1', 'db-2']) await markReady(n);
    const oldRevision = status()?.currentRevision;

    const current = kit.client.tracker.get(statefulsets, 'data', 'db') as StatefulSet;
    await setSpec({ template: { ...current.spec.template, spec: { containers: [{ name: 'db', image: 'db:2' }] } } });
    // db-2 was replaced first and is not ready yet, so db-1 still runs the old image.
    expect(images()).toEqual({ 'db-0': 'db:1', 'db-1': 'db:1', 'db-2': 'db:2' });
    await markReady('db-2');
    expect(images()).toEqual({ 'db-0': 'db:1', 'db-1': 'db:2', 'db-2': 'db:2' });
    await markReady('db-1');
    expect(images()).toEqual({ 'db-0': 'db:1', 'db-1': 'db:2', 'db-2': 'db:2' });
    expect(status()).toMatchObject({ currentRevision: oldRevision, currentReplicas: 1, updatedReplicas: 2, readyReplicas: 3 });
    expect(status()?.updateRevision).not.toBe(oldRevision);

    // Below the partition a deleted pod comes back from its own (stored) revision.
    await kit.client.delete(pods, 'data', 'db-0');
    await kit.settle();
    await drain();
    expect(images()['db-0']).toBe('db:1');
  });

  it('keeps at most revisionHistoryLimit unused revisions once a rollout is done', async () => {
    kit.seed(statefulsets, statefulSet(1, { revisionHistoryLimit: 0 }));
    await start();
    await markReady('db-0');
    const current = kit.client.tracker.get(statefulsets, 'data', 'db') as StatefulSet;
    await setSpec({ template: { ...current.spec.template, spec: { containers: [{ name: 'db', image: 'db:2' }] } } });
    // While db-0 is replaced the old revision is still current, so it stays.
    expect(kit.client.tracker.list(controllerrevisions, 'data')).toHaveLength(2);
    await markReady('db-0');
    expect(images()).toEqual({ 'db-0': 'db:2' });
    expect(status()?.currentRevision).toBe(status()?.updateRevision);
    expect(kit.client.tracker.list(controllerrevisions, 'data').map((r) => r.metadata.name)).toEqual([status()?.updateRevision]);
  });

  it('reports a failed create as an event and retries after backoff', async () => {
    kit.client.failOn('create', 'pods', serverError(), 1);
    kit.seed(statefulsets, statefulSet(1));
    await start();
    expect(podNames()).toEqual([]);
    expect((await kit.events()).map((e) => `${e.type} ${e.reason}`)).toEqual(['Warning FailedCreate']);
    await kit.clock.advance(10);
    await drain();
    expect(podNames()).toEqual(['db-0']);
  });
});
