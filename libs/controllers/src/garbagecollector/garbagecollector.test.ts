import { configmaps, type ConfigMap, type OwnerReference } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { GarbageCollectorController } from './garbagecollector-controller';
import { collectableResources } from './reconcile';

const ref = (name: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid: `uid-${name}`, ...extra });
const cm = (name: string, owners: OwnerReference[] = []): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, ...(owners.length ? { ownerReferences: owners } : {}) },
});
const internalError = () => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'etcd is down', code: 500 });
const contextFrom = (kit: ControllerTestKit): ControllerContext => ({ client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions });

describe('the garbage collector', () => {
  let kit: ControllerTestKit;
  let gc: GarbageCollectorController;

  async function start(...fixture: ConfigMap[]): Promise<void> {
    kit = new ControllerTestKit();
    kit.seed(configmaps, ...fixture);
    gc = new GarbageCollectorController(contextFrom(kit));
    await kit.start();
  }
  afterEach(() => kit.stop());

  async function drain(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await kit.settle();
      if (gc.queue.len() === 0) return;
      await gc.processNext();
    }
    throw new Error('the queue did not drain');
  }
  const exists = (name: string) => kit.client.tracker.get(configmaps, 'shop', name) !== undefined;
  const stored = (name: string) => kit.client.tracker.get(configmaps, 'shop', name) as ConfigMap | undefined;

  it('watches every resource that can be listed, watched and deleted, except events', () => {
    const resources = collectableResources().map((t) => t.resource);
    expect(resources).toEqual(expect.arrayContaining(['configmaps', 'pods', 'replicasets', 'deployments', 'jobs', 'leases']));
    expect(resources).not.toContain('events');
    expect(resources).not.toContain('bindings');
    kit = new ControllerTestKit();
  });

  it('background: deletes the dependents of a deleted owner, and drops only the dangling reference of a co-owned one', async () => {
    await start(cm('owner'), cm('other'), cm('child-1', [ref('owner')]), cm('child-2', [ref('owner', { blockOwnerDeletion: true })]), cm('shared', [ref('owner'), ref('other')]), cm('unrelated'));
    await drain();
    expect(kit.writes()).toEqual([]);
    await kit.client.delete(configmaps, 'shop', 'owner', { propagationPolicy: 'Background' });
    kit.client.clearActions();
    await drain();
    expect(kit.writes().sort()).toEqual(['delete configmaps', 'delete configmaps', 'patch configmaps']);
    expect(exists('child-1') || exists('child-2')).toBe(false);
    expect(stored('shared')?.metadata.ownerReferences).toEqual([ref('other')]);
    expect(exists('unrelated') && exists('other')).toBe(true);
    expect(kit.writeActions().find((a) => a.verb === 'delete')).toMatchObject({ deleteOptions: { propagationPolicy: 'Background', preconditions: { uid: expect.stringMatching(/^uid-child/) } } });
  });

  it('confirms with the apiserver an owner missing from the cache; a same-named owner with another uid counts as gone', async () => {
    await start({ ...cm('owner'), metadata: { ...cm('owner').metadata, uid: 'uid-recreated' } }, cm('orphaned', [ref('owner')]), cm('never-existed', [ref('ghost')]));
    await drain();
    expect(kit.client.actions.filter((a) => a.verb === 'get').map((a) => a.name).sort()).toEqual(['ghost', 'owner']);
    expect(exists('orphaned') || exists('never-existed')).toBe(false);
    expect(exists('owner')).toBe(true);
  });

  it('foreground: deletes dependents (blocking ones first, in the foreground), then removes the owner’s finalizer', async () => {
    await start(cm('owner'), cm('loose', [ref('owner')]), cm('blocker', [ref('owner', { blockOwnerDeletion: true })]), cm('grandchild', [ref('blocker', { blockOwnerDeletion: true })]));
    await kit.client.delete(configmaps, 'shop', 'owner', { propagationPolicy: 'Foreground' });
    kit.client.clearActions();
    await kit.settle();
    await gc.reconcile('uid-owner');
    expect(kit.writeActions().map((a) => [a.verb, a.name, a.deleteOptions?.propagationPolicy])).toEqual([
      ['delete', 'blocker', 'Foreground'],
      ['delete', 'loose', 'Background'],
    ]);
    expect(exists('owner')).toBe(true);
    await drain();
    expect(kit.writeActions().find((a) => a.verb === 'delete' && a.name === 'grandchild')?.deleteOptions?.propagationPolicy).toBe('Foreground');
    for (const name of ['owner', 'loose', 'blocker', 'grandchild']) expect(exists(name)).toBe(false);
    // The owner went last: its finalizer came off after the blocking chain was gone.
    const ownerPatch = kit.writeActions().findIndex((a) => a.verb === 'patch' && a.name === 'owner');
    const blockerPatch = kit.writeActions().findIndex((a) => a.verb === 'patch' && a.name === 'blocker');
    expect(blockerPatch).toBeGreaterThanOrEqual(0);
    expect(ownerPatch).toBeGreaterThan(blockerPatch);
  });

  it('foreground: an owner with no dependents just loses the finalizer', async () => {
    await start(cm('alone'));
    await kit.client.delete(configmaps, 'shop', 'alone', { propagationPolicy: 'Foreground' });
    expect(stored('alone')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    kit.client.clearActions();
    await drain();
    expect(kit.writes()).toEqual(['patch configmaps']);
    expect(exists('alone')).toBe(false);
  });

  it('orphan: removes the references to the owner from its dependents, then the orphan finalizer', async () => {
    await start(cm('owner'), cm('other'), cm('child', [ref('owner')]), cm('shared', [ref('owner'), ref('other')]));
    await kit.client.delete(configmaps, 'shop', 'owner', { propagationPolicy: 'Orphan' });
    kit.client.clearActions();
    await drain();
    expect(kit.writes()).toEqual(['patch configmaps', 'patch configmaps', 'patch configmaps']);
    expect(kit.writeActions()[2]).toMatchObject({ name: 'owner', patch: { metadata: { finalizers: null } } });
    expect(stored('child')?.metadata.ownerReferences).toBeUndefined();
    expect(stored('shared')?.metadata.ownerReferences).toEqual([ref('other')]);
    expect(exists('owner')).toBe(false);
  });

  it('retries a failed delete after the backoff', async () => {
    await start(cm('owner'), cm('child', [ref('owner')]));
    await drain();
    kit.client.failOn('delete', 'configmaps', (a) => (a.name === 'child' ? internalError() : undefined), 1);
    await kit.client.delete(configmaps, 'shop', 'owner');
    await drain();
    expect(exists('child')).toBe(true);
    expect(gc.queue.numRequeues('uid-child')).toBe(1);
    await kit.clock.advance(10);
    await drain();
    expect(exists('child')).toBe(false);
  });

  it('retries when a stale copy makes a patch conflict', async () => {
    await start(cm('owner'), cm('child', [ref('owner')]));
    await kit.client.delete(configmaps, 'shop', 'owner', { propagationPolicy: 'Orphan' });
    kit.client.failOn('patch', 'configmaps', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', message: 'modified', code: 409 }), 1);
    await drain();
    expect(exists('owner')).toBe(true);
    await kit.clock.advance(10);
    await drain();
    expect(exists('owner')).toBe(false);
    expect(exists('child')).toBe(true);
  });
});
