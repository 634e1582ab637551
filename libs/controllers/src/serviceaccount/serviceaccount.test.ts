import { namespaces, serviceaccounts, type Namespace, type ServiceAccount } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { ServiceAccountController } from './serviceaccount-controller';

const ns = (name: string, extra: Partial<Namespace> = {}): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-${name}` }, status: { phase: 'Active' }, ...extra });
const sa = (namespace: string, name = 'default'): ServiceAccount => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
const contextFrom = (kit: ControllerTestKit): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: defaultControllerOptions,
});

async function drain(c: ServiceAccountController): Promise<void> {
  while (c.queue.len() > 0) await c.processNext();
}

describe('the serviceaccount controller', () => {
  let kit: ControllerTestKit;
  let controller: ServiceAccountController;

  beforeEach(async () => {
    kit = new ControllerTestKit();
    kit.seed(namespaces, ns('shop'), ns('has-one'), ns('going', { metadata: { name: 'going', deletionTimestamp: '2024-05-01T09:00:00Z' }, status: { phase: 'Terminating' } }));
    kit.seed(serviceaccounts, sa('has-one'), sa('shop', 'builder'));
    controller = new ServiceAccountController(contextFrom(kit));
    await kit.start();
  });
  afterEach(() => kit.stop());

  it('creates default in each active namespace that lacks it, and nowhere else', async () => {
    await drain(controller);
    expect(kit.writes()).toEqual(['create serviceaccounts']);
    expect(kit.writeActions()[0]).toMatchObject({ namespace: 'shop', name: 'default' });
    expect(kit.client.tracker.get(serviceaccounts, 'shop', 'default')).toBeDefined();
  });

  it('recreates default when it is deleted', async () => {
    await drain(controller);
    kit.client.clearActions();
    await kit.client.delete(serviceaccounts, 'has-one', 'default');
    await kit.settle();
    await drain(controller);
    expect(kit.writes()).toEqual(['delete serviceaccounts', 'create serviceaccounts']);
    expect(kit.client.tracker.get(serviceaccounts, 'has-one', 'default')).toBeDefined();
  });

  it('ignores other service accounts being deleted', async () => {
    await drain(controller);
    kit.client.clearActions();
    await kit.client.delete(serviceaccounts, 'shop', 'builder');
    await kit.settle();
    expect(controller.queue.len()).toBe(0);
  });

  it('retries after a failed create, once the backoff has passed', async () => {
    kit.client.failOn('create', 'serviceaccounts', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'etcd is down', code: 500 }), 1);
    await drain(controller);
    expect(kit.client.tracker.get(serviceaccounts, 'shop', 'default')).toBeUndefined();
    expect(controller.queue.numRequeues('shop')).toBe(1);
    await kit.clock.advance(10);
    await drain(controller);
    expect(kit.writes()).toEqual(['create serviceaccounts', 'create serviceaccounts']);
    expect(kit.client.tracker.get(serviceaccounts, 'shop', 'default')).toBeDefined();
  });

  it('takes AlreadyExists as success (the cache was behind)', async () => {
    kit.client.failOn('create', 'serviceaccounts', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'AlreadyExists', message: 'exists', code: 409 }), 1);
    await expect(controller.reconcile('shop')).resolves.toBeUndefined();
    expect(kit.writes()).toEqual(['create serviceaccounts']);
  });
});
