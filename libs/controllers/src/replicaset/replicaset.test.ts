import { formatTime, pods, replicasets, type Pod, type ReplicaSet } from '@skiff/api';
import { ApiError, type Lister } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { ControllerExpectations, expectationsTtlMs } from './expectations';
import { podsToDelete } from './pod-deletion-order';
import { reconcileReplicaSet } from './reconcile';
import { ReplicaSetController } from './replicaset-controller';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const at = (msFromStart: number) => formatTime(new Date(T0 + msFromStart));

function replicaSet(replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'shop', uid: 'rs-uid', generation: 2 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

const ownedBy = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true };

function pod(name: string, opts: { node?: string; phase?: 'Pending' | 'Running'; readySince?: number; created?: number; labels?: Record<string, string>; owned?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: opts.labels ?? { app: 'web', tier: 'front' },
      creationTimestamp: at(opts.created ?? 0),
      ...(opts.owned === false ? {} : { ownerReferences: [ownedBy] }),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: {
      phase: opts.phase ?? 'Pending',
      ...(opts.readySince !== undefined ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(opts.readySince) }] } : {}),
    },
  };
}

const apiError = (code: number, message: string) =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: code === 403 ? 'Forbidden' : 'InternalError', message, code });

function contextFrom(kit: ControllerTestKit): ControllerContext {
  return { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions };
}

async function setUp(rs: ReplicaSet, ...seededPods: Pod[]) {
  const kit = new ControllerTestKit();
  kit.seed(replicasets, rs);
  if (seededPods.length) kit.seed(pods, ...seededPods);
  const controller = new ReplicaSetController(contextFrom(kit));
  await kit.start();
  // The informers queued the fixtures; tests drive reconcile directly.
  while (controller.queue.len() > 0) await controller.queue.get().then((k) => controller.queue.done(k!));
  return { kit, controller };
}

const podsIn = (kit: ControllerTestKit) => kit.client.tracker.list(pods, 'shop') as Pod[];

describe('ReplicaSet controller', () => {
  it('creates the missing pods from the template with generateName, labels and a controller reference', async () => {
    const { kit, controller } = await setUp(replicaSet(3));
    await controller.reconcile('shop/web');
    await kit.settle();
    expect(kit.writes()).toEqual(['create pods', 'create pods', 'create pods', 'patch replicasets/status']);
    const created = kit.writeActions()[0].object as Pod;
    expect(created.metadata).toMatchObject({ generateName: 'web-', labels: { app: 'web', tier: 'front' }, ownerReferences: [ownedBy] });
    expect(podsIn(kit).map((p) => p.metadata.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^web-/)]));
    expect((await kit.events()).map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate']);
    // Status reports what the sync started from; the next sync sees the new pods.
    expect(kit.writeActions()[3].patch).toEqual({ status: { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 2 } });
    await controller.reconcile('shop/web');
    expect(kit.writeActions()[4].patch).toEqual({ status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 2 } });
    controller.queue.shutDown();
    kit.stop();
  });

  it('does not create again while its creates are unobserved, and trusts the cache once they are seen', async () => {
    const { kit, controller } = await setUp(replicaSet(3));
    // Expectations not wired to the informer and a cache that never shows the new pods: a watch that lags behind.
    const expectations = new ControllerExpectations(kit.clock);
    const staleDeps = {
      client: kit.client,
      replicaSets: kit.informers.forResource<ReplicaSet>(replicasets).lister,
      pods: { listInNamespace: () => [] } as unknown as Lister<Pod>,
      recorder: kit.recorder,
      clock: kit.clock,
      expectations,
      enqueueAfter: () => undefined,
    };
    await reconcileReplicaSet('shop/web', staleDeps);
    expect(expectations.pending('shop/web')).toEqual({ creations: 3, deletions: 0 });
    kit.client.clearActions();
    await reconcileReplicaSet('shop/web', staleDeps);
    expect(kit.writes()).not.toContain('create pods');
    // Expired expectations no longer hold the set back (a lost event must not wedge it forever).
    await kit.clock.advance(expectationsTtlMs + 1);
    await reconcileReplicaSet('shop/web', staleDeps);
    expect(kit.writes().filter((w) => w === 'create pods')).toHaveLength(3);
    controller.queue.shutDown();
    kit.stop();
  });

  it('is satisfied by its own informer events, so the next sync creates nothing', async () => {
    const { kit, controller } = await setUp(replicaSet(3));
    await controller.reconcile('shop/web');
    await kit.settle();
    expect(controller.expectations.satisfied('shop/web')).toBe(true);
    kit.client.clearActions();
    await controller.reconcile('shop/web');
    expect(kit.writes()).toEqual(['patch replicasets/status']);
    expect(podsIn(kit)).toHaveLength(3);
    controller.queue.shutDown();
    kit.stop();
  });

  it('lets expectations expire after five minutes, as Kubernetes does', async () => {
    const kit = new ControllerTestKit();
    const expectations = new ControllerExpectations(kit.clock);
    expectations.expectCreations('shop/web', 2);
    expectations.creationObserved('shop/web');
    expect(expectations.satisfied('shop/web')).toBe(false);
    await kit.clock.advance(expectationsTtlMs);
    expect(expectations.satisfied('shop/web')).toBe(false);
    await kit.clock.advance(1);
    expect(expectations.satisfied('shop/web')).toBe(true);
    expectations.expectDeletions('shop/web', ['shop/a', 'shop/b']);
    expectations.deletionObserved('shop/web', 'shop/other');
    expectations.deletionObserved('shop/web', 'shop/a');
    expect(expectations.pending('shop/web')).toEqual({ creations: 0, deletions: 1 });
    expectations.deletionObserved('shop/web', 'shop/b');
    expect(expectations.satisfied('shop/web')).toBe(true);
  });

  it('creates in slow-start batches of 1, 2, 4 and stops at the first failing batch', async () => {
    const { kit, controller } = await setUp(replicaSet(10));
    let creates = 0;
    kit.client.failOn('create', 'pods', () => (++creates === 3 ? apiError(403, 'exceeded quota: pods') : undefined));
    await expect(controller.reconcile('shop/web')).rejects.toThrow('exceeded quota');
    await kit.settle();
    // Batch 1 (one pod), batch 2 (two pods, one refused); batches of 4 and 3 never sent.
    expect(kit.writes().filter((w) => w === 'create pods')).toHaveLength(3);
    expect(podsIn(kit)).toHaveLength(2);
    const events = await kit.events();
    expect(events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(2);
    expect(events).toContainEqual({ type: 'Warning', reason: 'FailedCreate', message: 'Error creating: exceeded quota: pods', object: 'ReplicaSet/web', count: 1 });
    const rs = kit.client.tracker.get(replicasets, 'shop', 'web') as ReplicaSet;
    expect(rs.status?.conditions).toEqual([expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' })]);
    // Failed and skipped creates were subtracted from expectations, so the retry is not blocked.
    expect(controller.expectations.satisfied('shop/web')).toBe(true);
    controller.queue.shutDown();
    kit.stop();
  });

  it('retries a failed create with backoff and then reaches the desired count', async () => {
    const { kit, controller } = await setUp(replicaSet(2));
    kit.client.failOn('create', 'pods', apiError(500, 'etcdserver: request timed out'), 1);
    controller.enqueue('shop/web');
    await controller.processNext();
    await kit.settle();
    expect(podsIn(kit)).toHaveLength(0);
    expect(controller.queue.numRequeues('shop/web')).toBe(1);
    await kit.clock.advance(10);
    while (controller.queue.len() > 0) {
      await controller.processNext();
      await kit.settle();
    }
    expect(podsIn(kit)).toHaveLength(2);
    const rs = kit.client.tracker.get(replicasets, 'shop', 'web') as ReplicaSet;
    expect(rs.status).toMatchObject({ replicas: 2 });
    expect(rs.status?.conditions).toBeUndefined();
    controller.queue.shutDown();
    kit.stop();
  });

  it('deletes unscheduled, then pending, then not-ready pods first, and newer before older', async () => {
    const { kit, controller } = await setUp(
      replicaSet(2),
      pod('ready-old', { node: 'n1', phase: 'Running', readySince: -60_000, created: -120_000 }),
      pod('ready-new', { node: 'n2', phase: 'Running', readySince: -60_000, created: -100_000 }),
      pod('running-unready', { node: 'n3', phase: 'Running' }),
      pod('pending', { node: 'n4', phase: 'Pending' }),
      pod('unscheduled', {}),
    );
    await controller.reconcile('shop/web');
    const deleted = kit.writeActions().filter((a) => a.verb === 'delete').map((a) => a.name);
    expect(deleted.sort()).toEqual(['pending', 'running-unready', 'unscheduled']);
    await kit.settle();
    expect(controller.expectations.satisfied('shop/web')).toBe(true);
    expect((await kit.events()).map((e) => e.message).sort()).toEqual(['Deleted pod: pending', 'Deleted pod: running-unready', 'Deleted pod: unscheduled']);
    controller.queue.shutDown();
    kit.stop();
  });

  it('ranks pods for deletion like Kubernetes', () => {
    const order = (ps: Pod[]) => podsToDelete(ps, ps, ps.length).map((p) => p.metadata.name);
    expect(order([pod('old', { node: 'n', created: 0 }), pod('new', { node: 'n', created: 1000 })])).toEqual(['new', 'old']);
    expect(order([pod('running', { node: 'n', phase: 'Running' }), pod('pending', { node: 'n' })])).toEqual(['pending', 'running']);
    expect(order([pod('ready-long', { node: 'a', phase: 'Running', readySince: 0 }), pod('ready-short', { node: 'b', phase: 'Running', readySince: 5000 })])).toEqual([
      'ready-short',
      'ready-long',
    ]);
    // Two of the set share node a: one of those goes before the pod alone on b.
    const doubled = order([pod('alone', { node: 'b', phase: 'Running', created: 9000 }), pod('a1', { node: 'a', phase: 'Running' }), pod('a2', { node: 'a', phase: 'Running' })]);
    expect(doubled[2]).toBe('alone');
  });

  it('adopts matching orphans and releases owned pods whose labels no longer match', async () => {
    const { kit, controller } = await setUp(
      replicaSet(2),
      pod('orphan', { owned: false }),
      pod('relabelled', { labels: { app: 'debug' } }),
      pod('owned', {}),
      { ...pod('someone-elses', { owned: false }), metadata: { ...pod('someone-elses').metadata, name: 'someone-elses', ownerReferences: [{ ...ownedBy, uid: 'other', name: 'other' }] } },
    );
    await controller.reconcile('shop/web');
    const patches = kit.writeActions().filter((a) => a.resource === 'pods');
    expect(patches.map((a) => `${a.verb} ${a.name}`).sort()).toEqual(['patch orphan', 'patch relabelled']);
    expect(kit.client.tracker.get(pods, 'shop', 'orphan')!.metadata.ownerReferences).toEqual([ownedBy]);
    expect(kit.client.tracker.get(pods, 'shop', 'relabelled')!.metadata.ownerReferences).toEqual([]);
    // orphan + owned make two: nothing to create or delete.
    expect(kit.writes().filter((w) => w === 'create pods' || w === 'delete pods')).toEqual([]);
    controller.queue.shutDown();
    kit.stop();
  });

  it('counts available pods only after minReadySeconds and resyncs when they will become available', async () => {
    const { kit, controller } = await setUp(
      replicaSet(2, { minReadySeconds: 10 }),
      pod('a', { node: 'n', phase: 'Running', readySince: -60_000 }),
      pod('b', { node: 'n', phase: 'Running', readySince: -5_000, labels: { app: 'web' } }),
    );
    controller.enqueue('shop/web');
    // The status write wakes the set once more through its informer; drain that too.
    while (controller.queue.len() > 0) {
      await controller.processNext();
      await kit.settle();
    }
    let rs = kit.client.tracker.get(replicasets, 'shop', 'web') as ReplicaSet;
    expect(rs.status).toEqual({ replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1, observedGeneration: 2 });
    await kit.clock.advance(9_000);
    expect(controller.queue.len()).toBe(0);
    await kit.clock.advance(1_000);
    expect(controller.queue.len()).toBe(1);
    await controller.processNext();
    rs = kit.client.tracker.get(replicasets, 'shop', 'web') as ReplicaSet;
    expect(rs.status?.availableReplicas).toBe(2);
    controller.queue.shutDown();
    kit.stop();
  });

  it('observes pods through its informers: a deleted pod is replaced by one reconcile', async () => {
    const { kit, controller } = await setUp(replicaSet(1), pod('only', { node: 'n', phase: 'Running' }));
    controller.run(1);
    await kit.client.delete(pods, 'shop', 'only');
    await kit.settle();
    await kit.settle();
    expect(podsIn(kit)).toHaveLength(1);
    expect(podsIn(kit)[0].metadata.name).toMatch(/^web-/);
    await controller.stop();
    kit.stop();
  });
});
