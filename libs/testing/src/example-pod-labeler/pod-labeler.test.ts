import { pods, type Pod } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { ControllerTestKit } from '../controller-test-kit';
import { PodLabelerController } from './pod-labeler-controller';
import { reconcilePod } from './reconcile';

// The shape of a controller test with the kit: fixtures in, reconcile, then the recorded writes and events out.
const pod = (name: string, namespace = 'shop', labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('the example pod labeler', () => {
  let kit: ControllerTestKit;
  let controller: PodLabelerController;

  beforeEach(async () => {
    kit = new ControllerTestKit();
    kit.seed(pods, pod('web'), pod('db', 'shop', { team: 'shop' }), pod('other', 'elsewhere'));
    controller = new PodLabelerController(kit.client, kit.informers, kit.recorder, kit.clock, { shop: 'shop' });
    await kit.start();
  });
  afterEach(() => kit.stop());

  it('labels the pods that lack the label, and only those', async () => {
    const lister = kit.informers.forResource<Pod>(pods).lister;
    for (const key of ['shop/web', 'shop/db', 'elsewhere/other']) {
      await reconcilePod(key, { client: kit.client, pods: lister, recorder: kit.recorder, teams: { shop: 'shop' } });
    }
    expect(kit.writes()).toEqual(['patch pods']);
    expect(kit.writeActions()[0]).toMatchObject({ namespace: 'shop', name: 'web', patchType: 'merge', patch: { metadata: { labels: { team: 'shop' } } } });
    expect(await kit.events()).toEqual([{ type: 'Normal', reason: 'Labelled', message: 'labelled team=shop', object: 'Pod/web', count: 1 }]);
  });

  it('retries with backoff when the apiserver fails, and succeeds once it recovers', async () => {
    kit.client.failOn('patch', 'pods', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'etcd is down', code: 500 }), 1);
    // The informer queued both shop pods at start; drain them.
    while (controller.queue.len() > 0) await controller.processNext();
    expect(controller.queue.numRequeues('shop/web')).toBe(1);
    expect(kit.writes()).toEqual(['patch pods']);
    // Time moves only through the fake clock: the retry comes after the backoff.
    await kit.clock.advance(10);
    expect(controller.queue.len()).toBe(1);
    await controller.processNext();
    await kit.settle();
    expect(kit.writes()).toEqual(['patch pods', 'patch pods']);
    expect(kit.client.tracker.get(pods, 'shop', 'web')?.metadata.labels).toEqual({ team: 'shop' });
  });
});
