import { deployments, poddisruptionbudgets, pods, replicasets, type Deployment, type Pod, type PodDisruptionBudget, type ReplicaSet } from '@skiff/api';
import { ControllerTestKit } from '@skiff/testing';
import { contextFrom, serverError, webPod } from '../endpoints/endpoint-fixtures';
import { DisruptionController } from './disruption-controller';

const budget = (spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'shop', uid: 'uid-pdb', generation: 3 },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  ...(status ? { status } : {}),
});

const ownedBy = (pod: Pod, kind: string, name: string, uid: string): Pod => ({
  ...pod,
  metadata: { ...pod.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid, controller: true }] },
});

const deployment: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'uid-d' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } } } as unknown as Deployment;
const replicaSet: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'shop', uid: 'uid-rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-d', controller: true }] },
  spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } },
} as unknown as ReplicaSet;

describe('the disruption controller', () => {
  let kit: ControllerTestKit;
  let controller: DisruptionController;
  const status = () => (kit.client.tracker.get(poddisruptionbudgets, 'shop', 'web') as PodDisruptionBudget).status;

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(() => kit.stop());

  async function start(): Promise<void> {
    controller = new DisruptionController(contextFrom(kit));
    await kit.start();
    await drain();
  }
  async function drain(): Promise<void> {
    for (let i = 0; i < 20 && controller.queue.len() > 0; i++) {
      await controller.processNext();
      await kit.settle();
    }
  }

  it('with an absolute minAvailable, expects the matching pods and allows no disruption below it', async () => {
    kit.seed(poddisruptionbudgets, budget({ minAvailable: 2 }));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }), webPod('b', { ip: '10.0.0.2', ready: true }), webPod('c', { ip: '10.0.0.3' }));
    await start();
    expect(kit.writes()).toEqual(['update poddisruptionbudgets/status']);
    expect(status()).toEqual({
      observedGeneration: 3,
      disruptedPods: {},
      disruptionsAllowed: 0,
      currentHealthy: 2,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', lastTransitionTime: '2024-05-01T10:00:00Z', observedGeneration: 3 }],
    });

    // One more pod turns Ready: one disruption is allowed, and nothing is rewritten when nothing changes.
    await kit.client.update(pods, webPod('c', { ip: '10.0.0.3', ready: true }), { subresource: 'status' });
    await kit.settle();
    await drain();
    expect(status()).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 1, conditions: [{ status: 'True', reason: 'SufficientPods' }] });
    kit.client.clearActions();
    controller.enqueue('shop/web');
    await drain();
    expect(kit.writes()).toEqual([]);
  });

  it('with maxUnavailable as a percentage, takes expectedPods from the Deployment behind the pods', async () => {
    kit.seed(deployments, deployment);
    kit.seed(replicasets, replicaSet);
    kit.seed(poddisruptionbudgets, budget({ maxUnavailable: '50%' }));
    for (const n of ['a', 'b', 'c']) kit.seed(pods, ownedBy(webPod(n, { ip: `10.0.0.${n.charCodeAt(0) - 96}`, ready: true }), 'ReplicaSet', 'web-abc', 'uid-rs'));
    await start();
    // 4 expected, 2 may be unavailable, so 2 must stay healthy out of the 3 healthy.
    expect(status()).toMatchObject({ expectedPods: 4, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  });

  it('with a percentage and pods without a controller, falls back to counting the pods', async () => {
    kit.seed(poddisruptionbudgets, budget({ minAvailable: '50%' }));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }), webPod('b', { ip: '10.0.0.2', ready: true }), webPod('c', { ip: '10.0.0.3', ready: true }));
    await start();
    expect(status()).toMatchObject({ expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  });

  it('does not count just-evicted or terminating pods as healthy, and expires disruptedPods entries after 2 minutes', async () => {
    kit.seed(poddisruptionbudgets, budget({ minAvailable: 1 }, { disruptedPods: { a: '2024-05-01T09:59:30Z', gone: '2024-05-01T09:59:30Z' } }));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }), webPod('b', { ip: '10.0.0.2', ready: true, deleting: true }), webPod('c', { ip: '10.0.0.3', ready: true }));
    await start();
    expect(status()).toMatchObject({ disruptedPods: { a: '2024-05-01T09:59:30Z' }, currentHealthy: 1, disruptionsAllowed: 0 });

    // The entry for `a` expires 2 minutes after the eviction; the controller looks again then by itself.
    await kit.clock.advance(89_000);
    await drain();
    expect(status()?.disruptedPods).toEqual({ a: '2024-05-01T09:59:30Z' });
    await kit.clock.advance(1_000);
    await drain();
    expect(status()).toMatchObject({ disruptedPods: {}, currentHealthy: 2, disruptionsAllowed: 1 });
  });

  it('records NoPods when nothing matches, and retries a failed status write', async () => {
    kit.client.failOn('update', 'poddisruptionbudgets', serverError(), 1);
    kit.seed(poddisruptionbudgets, budget({ minAvailable: 1 }));
    await start();
    expect(status()).toBeUndefined();
    await kit.clock.advance(10);
    await drain();
    expect(status()).toMatchObject({ expectedPods: 0, currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
    // One per sync, as Kubernetes does: the failed one, the retry, and the one our own status write triggered.
    expect(await kit.events()).toEqual([{ type: 'Normal', reason: 'NoPods', message: 'No matching pods found', object: 'PodDisruptionBudget/web', count: 3 }]);
  });
});
