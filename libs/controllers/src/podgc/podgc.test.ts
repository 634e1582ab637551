import { nodes, pods, type Node, type Pod } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { PodGCController, podGCPeriodMs, podGCSweepKey } from './podgc-controller';

const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const pod = (name: string, opts: { node?: string; phase?: Pod['status'] extends infer S ? (S extends { phase?: infer P } ? P : never) : never; created?: string; deleting?: boolean } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    creationTimestamp: opts.created ?? '2024-05-01T09:00:00Z',
    ...(opts.deleting ? { deletionTimestamp: '2024-05-01T09:30:00Z', finalizers: ['example.com/hold'] } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(opts.node ? { nodeName: opts.node } : {}) },
  status: { phase: opts.phase ?? 'Running' },
});
const internalError = () => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'etcd is down', code: 500 });

function contextFrom(kit: ControllerTestKit, threshold: number): ControllerContext {
  return { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: { ...defaultControllerOptions, terminatedPodGCThreshold: threshold } };
}

describe('the podgc controller', () => {
  let kit: ControllerTestKit;
  afterEach(() => kit.stop());

  async function started(threshold: number, ...fixture: Pod[]): Promise<PodGCController> {
    kit = new ControllerTestKit();
    kit.seed(nodes, node('n1'));
    kit.seed(pods, ...fixture);
    const c = new PodGCController(contextFrom(kit, threshold));
    await kit.start();
    return c;
  }

  const deleted = () => kit.writeActions().filter((a) => a.verb === 'delete' && a.resource === 'pods').map((a) => a.name);

  it('deletes pods bound to a node that no longer exists, after confirming with the apiserver', async () => {
    const c = await started(100, pod('on-n1', { node: 'n1' }), pod('on-gone', { node: 'gone' }), pod('pending'));
    await c.reconcile();
    expect(deleted()).toEqual(['on-gone']);
    expect(kit.client.actions.some((a) => a.verb === 'get' && a.resource === 'nodes' && a.name === 'gone')).toBe(true);
    expect(kit.writeActions()[0]).toMatchObject({ deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-on-gone' } } });
    expect(kit.client.tracker.get(pods, 'shop', 'on-n1')).toBeDefined();
  });

  it('deletes the pods of a node once the node is deleted', async () => {
    const c = await started(100, pod('a', { node: 'n1' }), pod('b', { node: 'n1' }));
    await c.reconcile();
    expect(deleted()).toEqual([]);
    await kit.client.delete(nodes, undefined, 'n1');
    await kit.settle();
    while (c.queue.len() > 0) await c.processNext();
    expect(deleted().sort()).toEqual(['a', 'b']);
  });

  it('deletes terminating pods that were never scheduled', async () => {
    const c = await started(100, pod('stuck', { deleting: true }), pod('bound-terminating', { node: 'n1', deleting: true }));
    await c.reconcile();
    expect(deleted()).toEqual(['stuck']);
  });

  it('keeps at most the threshold of terminated pods, deleting the oldest first', async () => {
    const c = await started(
      2,
      pod('t3', { node: 'n1', phase: 'Succeeded', created: '2024-05-01T09:03:00Z' }),
      pod('t1', { node: 'n1', phase: 'Failed', created: '2024-05-01T09:01:00Z' }),
      pod('t4', { node: 'n1', phase: 'Succeeded', created: '2024-05-01T09:04:00Z' }),
      pod('t2', { node: 'n1', phase: 'Succeeded', created: '2024-05-01T09:02:00Z' }),
      pod('running', { node: 'n1', created: '2024-05-01T08:00:00Z' }),
    );
    await c.reconcile();
    expect(deleted()).toEqual(['t1', 't2']);
  });

  it('retries a sweep whose delete failed, and sweeps again every period', async () => {
    const c = await started(100, pod('on-gone', { node: 'gone' }));
    kit.client.failOn('delete', 'pods', internalError(), 1);
    while (c.queue.len() > 0) await c.processNext();
    expect(kit.client.tracker.get(pods, 'shop', 'on-gone')).toBeDefined();
    expect(c.queue.numRequeues(podGCSweepKey)).toBe(1);
    await kit.clock.advance(10);
    while (c.queue.len() > 0) await c.processNext();
    expect(kit.client.tracker.get(pods, 'shop', 'on-gone')).toBeUndefined();
    expect(c.queue.len()).toBe(0);
    await kit.clock.advance(podGCPeriodMs);
    expect(c.queue.len()).toBe(1);
  });
});
