import { configmaps, namespaces, pods, replicasets, type ConfigMap, type Namespace } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { NamespaceController, namespaceRecheckMs } from './namespace-controller';
import { reconcileNamespace } from './reconcile';

// The fake client removes an object once it has a deletionTimestamp and no metadata.finalizers; the apiserver
// also waits for spec.finalizers. A metadata finalizer here keeps the namespace visible until the end.
const terminating = (name: string): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, uid: `uid-${name}`, deletionTimestamp: '2024-05-01T09:59:00Z', finalizers: ['example.com/audit'] },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Terminating' },
});
const active = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
const cm = (namespace: string, name: string, finalizers?: string[]): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(finalizers ? { finalizers } : {}) } });
const internalError = () => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'etcd is down', code: 500 });
const contextFrom = (kit: ControllerTestKit): ControllerContext => ({ client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions });

describe('the namespace controller', () => {
  let kit: ControllerTestKit;
  let controller: NamespaceController;

  beforeEach(async () => {
    kit = new ControllerTestKit();
    kit.seed(namespaces, terminating('gone'), active('kept'));
    kit.seed(configmaps, cm('gone', 'a'), cm('gone', 'b'), cm('kept', 'c'));
    kit.seed(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'gone' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    controller = new NamespaceController(contextFrom(kit));
    await kit.start();
  });
  afterEach(() => kit.stop());

  const conditionsWritten = () => {
    const status = kit.writeActions().filter((a) => a.subresource === 'status');
    return (status[status.length - 1]?.object as Namespace).status?.conditions ?? [];
  };

  it('deletes the content of a terminating namespace only, then removes the kubernetes finalizer', async () => {
    expect(controller.queue.len()).toBe(1);
    while (controller.queue.len() > 0) await controller.processNext();
    expect(kit.writes()).toEqual(['deletecollection pods', 'deletecollection configmaps', 'update namespaces/status', 'update namespaces/finalize']);
    expect(kit.writeActions().every((a) => a.namespace === undefined || a.namespace === 'gone')).toBe(true);
    expect(kit.client.tracker.list(configmaps, 'gone')).toEqual([]);
    expect(kit.client.tracker.list(configmaps, 'kept')).toHaveLength(1);
    expect((kit.client.tracker.get(namespaces, undefined, 'gone') as Namespace | undefined)?.spec?.finalizers).toEqual([]);
    expect(conditionsWritten()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved' }),
        expect.objectContaining({ type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted' }),
        expect.objectContaining({ type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers' }),
      ]),
    );
  });

  it('waits while content with finalizers remains, saying so in the conditions, and finishes once it is gone', async () => {
    kit.seed(configmaps, cm('gone', 'held', ['example.com/keep']));
    await kit.settle();
    while (controller.queue.len() > 0) await kit.settle().then(() => controller.processNext());
    expect(kit.writes()).not.toContain('update namespaces/finalize');
    expect(conditionsWritten()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 objects' }),
        expect.objectContaining({ type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances' }),
      ]),
    );
    expect(controller.queue.len()).toBe(0);
    await kit.client.patch(configmaps, 'gone', 'held', 'merge', { metadata: { finalizers: null } });
    await kit.clock.advance(namespaceRecheckMs);
    expect(controller.queue.len()).toBe(1);
    while (controller.queue.len() > 0) await controller.processNext();
    expect(kit.writes()).toContain('update namespaces/finalize');
  });

  it('reports a failed deletion in NamespaceDeletionContentFailure and retries', async () => {
    kit.client.failOn('deletecollection', 'configmaps', internalError(), 1);
    await controller.processNext();
    expect(kit.writes()).not.toContain('update namespaces/finalize');
    expect(conditionsWritten()).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: expect.stringContaining('configmaps.: etcd is down') })]),
    );
    expect(controller.queue.numRequeues('gone')).toBe(1);
    await kit.clock.advance(10);
    await kit.settle();
    while (controller.queue.len() > 0) await controller.processNext();
    expect(kit.writes()).toContain('update namespaces/finalize');
    expect(kit.client.tracker.list(configmaps, 'gone')).toEqual([]);
  });

  it('leaves a namespace that is not being deleted alone', async () => {
    await controller.reconcile('kept');
    await controller.reconcile('missing');
    expect(kit.writes()).toEqual([]);
  });

  it('deletes one by one where a resource has no deletecollection', async () => {
    const noCollection = { ...replicasets, verbs: replicasets.verbs.filter((v) => v !== 'deletecollection') };
    kit.seed(replicasets, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'gone' }, spec: { selector: {}, template: {} } } as never);
    const result = await reconcileNamespace('gone', { client: kit.client, namespaces: kit.informers.forResource<Namespace>(namespaces).lister, clock: kit.clock, resources: [noCollection] });
    expect(result).toEqual({ done: true });
    expect(kit.writes()).toEqual(['delete replicasets', 'update namespaces/status', 'update namespaces/finalize']);
  });
});
