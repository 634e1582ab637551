import { endpointslices, pods, services, type EndpointSlice } from '@skiff/api';
import { ControllerTestKit } from '@skiff/testing';
import { contextFrom, serverError, service, webPod } from '../endpoints/endpoint-fixtures';
import { EndpointSliceController } from './endpointslice-controller';
import { reconcileEndpointSlices } from './reconcile';
import { SliceWriteTracker } from './slice-write-tracker';

async function drain(kit: ControllerTestKit, c: EndpointSliceController): Promise<void> {
  for (let i = 0; i < 30 && c.queue.len() > 0; i++) {
    await c.processNext();
    await kit.settle();
  }
}

describe('the endpointslice controller', () => {
  let kit: ControllerTestKit;
  let controller: EndpointSliceController;
  const slices = () => kit.client.tracker.list(endpointslices, 'shop') as EndpointSlice[];
  const summary = () =>
    slices().map((s) => ({ ports: s.ports?.map((p) => p.port), endpoints: s.endpoints.map((e) => [e.targetRef?.name, e.conditions?.ready, e.conditions?.serving, e.conditions?.terminating]) }));

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(() => kit.stop());

  async function start(): Promise<void> {
    controller = new EndpointSliceController(contextFrom(kit));
    await kit.start();
    await drain(kit, controller);
  }

  it('creates one labelled slice owned by the Service, with conditions per pod', async () => {
    kit.seed(services, service('web'));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }), webPod('b', { ip: '10.0.0.2' }), webPod('t', { ip: '10.0.0.3', ready: true, deleting: true }));
    await start();
    expect(kit.writes()).toEqual(['create endpointslices']);
    const [slice] = slices();
    expect(slice.metadata.name).toMatch(/^web-.{5}$/);
    expect(slice.metadata.labels).toEqual({ tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints[0]).toEqual({ addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'a', uid: 'uid-a' } });
    expect(summary()).toEqual([
      {
        ports: [8080],
        endpoints: [
          ['a', true, true, false],
          ['b', false, false, false],
          ['t', false, true, true],
        ],
      },
    ]);
  });

  it('updates the existing slice in place, and only when something changed', async () => {
    kit.seed(services, service('web'));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1' }));
    await start();
    const name = slices()[0].metadata.name;
    kit.client.clearActions();
    controller.enqueue('shop/web');
    await drain(kit, controller);
    expect(kit.writes()).toEqual([]);

    await kit.client.update(pods, webPod('a', { ip: '10.0.0.1', ready: true }), { subresource: 'status' });
    await kit.settle();
    await drain(kit, controller);
    expect(kit.writes()).toEqual(['update pods/status', 'update endpointslices']);
    expect(slices().map((s) => s.metadata.name)).toEqual([name]);
    expect(summary()[0].endpoints).toEqual([['a', true, true, false]]);
  });

  it('gives pods whose named port resolves differently their own slice', async () => {
    kit.seed(services, service('web'));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }), webPod('b', { ip: '10.0.0.2', ready: true, port: 9090 }));
    await start();
    expect(summary().sort((x, y) => (x.ports?.[0] ?? 0) - (y.ports?.[0] ?? 0))).toEqual([
      { ports: [8080], endpoints: [['a', true, true, false]] },
      { ports: [9090], endpoints: [['b', true, true, false]] },
    ]);
  });

  it('packs at most the limit of endpoints per slice, filling slices with room before making new ones', async () => {
    kit.seed(services, service('web'));
    for (let i = 0; i < 5; i++) kit.seed(pods, webPod(`p${i}`, { ip: `10.0.0.${i + 1}`, ready: true }));
    controller = new EndpointSliceController(contextFrom(kit));
    await kit.start();
    const informers = kit.informers;
    const deps = {
      client: kit.client,
      services: informers.forResource<never>(services).lister,
      pods: informers.forResource<never>(pods).lister,
      endpointSlices: informers.forResource<EndpointSlice>(endpointslices).lister,
      tracker: new SliceWriteTracker(),
      maxEndpointsPerSlice: 2,
    };
    await reconcileEndpointSlices('shop/web', deps);
    await kit.settle();
    expect(kit.writes()).toEqual(['create endpointslices', 'create endpointslices', 'create endpointslices']);
    expect(slices().map((s) => s.endpoints.length).sort()).toEqual([1, 2, 2]);

    // p0 leaves and p5 arrives: the slice that held p0 takes p5, one write, no new slice.
    await kit.client.delete(pods, 'shop', 'p0');
    kit.client.seed(pods, webPod('p5', { ip: '10.0.0.6', ready: true }));
    await kit.settle();
    kit.client.clearActions();
    await reconcileEndpointSlices('shop/web', deps);
    await kit.settle();
    expect(kit.writes()).toEqual(['update endpointslices']);
    expect(slices().length).toBe(3);
    expect(slices().flatMap((s) => s.endpoints.map((e) => e.targetRef?.name)).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('waits for its own writes to reach the cache instead of creating duplicates', async () => {
    kit.seed(services, service('web'));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }));
    controller = new EndpointSliceController(contextFrom(kit));
    await kit.start();
    // Reconcile twice before the informer delivers the created slice.
    await controller.reconcile('shop/web');
    await controller.reconcile('shop/web');
    await kit.settle();
    expect(kit.writes()).toEqual(['create endpointslices']);
  });

  it('keeps one empty placeholder slice when no pod matches, and deletes emptied extra slices', async () => {
    kit.seed(services, service('web'));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }), webPod('b', { ip: '10.0.0.2', ready: true, port: 9090 }));
    await start();
    expect(slices().length).toBe(2);
    await kit.client.delete(pods, 'shop', 'a');
    await kit.client.delete(pods, 'shop', 'b');
    await kit.settle();
    await drain(kit, controller);
    expect(slices().map((s) => ({ endpoints: s.endpoints, ports: s.ports }))).toEqual([{ endpoints: [], ports: [] }]);
  });

  it('leaves Services without selector alone and deletes the slices of a deleted Service', async () => {
    kit.seed(services, service('web'), service('manual', { selector: undefined }));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1', ready: true }));
    await start();
    expect(slices().map((s) => s.metadata.labels?.['kubernetes.io/service-name'])).toEqual(['web']);
    await kit.client.delete(services, 'shop', 'web');
    await kit.settle();
    await drain(kit, controller);
    expect(slices()).toEqual([]);
  });

  it('retries a failed update after backoff', async () => {
    kit.seed(services, service('web'));
    kit.seed(pods, webPod('a', { ip: '10.0.0.1' }));
    await start();
    kit.client.failOn('update', 'endpointslices', serverError(), 1);
    await kit.client.update(pods, webPod('a', { ip: '10.0.0.1', ready: true }), { subresource: 'status' });
    await kit.settle();
    await drain(kit, controller);
    expect(summary()[0].endpoints).toEqual([['a', false, false, false]]);
    await kit.clock.advance(10);
    await drain(kit, controller);
    expect(summary()[0].endpoints).toEqual([['a', true, true, false]]);
  });
});
