import { endpoints as endpointsType, pods, services, type Endpoints, type Pod, type Service } from '@skiff/api';
import { ControllerTestKit } from '@skiff/testing';
import { contextFrom, serverError, service, webPod } from './endpoint-fixtures';
import { EndpointsController } from './endpoints-controller';

async function drain(kit: ControllerTestKit, c: EndpointsController): Promise<void> {
  for (let i = 0; i < 20 && c.queue.len() > 0; i++) {
    await c.processNext();
    await kit.settle();
  }
}

describe('the endpoints controller', () => {
  let kit: ControllerTestKit;
  let controller: EndpointsController;
  const stored = () => kit.client.tracker.get(endpointsType, 'shop', 'web') as Endpoints | undefined;

  async function startWith(...objects: [typeof services | typeof pods | typeof endpointsType, Service | Pod | Endpoints][]): Promise<void> {
    for (const [type, obj] of objects) kit.seed(type, obj);
    controller = new EndpointsController(contextFrom(kit));
    await kit.start();
    await drain(kit, controller);
  }

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(() => kit.stop());

  it('lists ready pods as addresses and the others as notReadyAddresses, with named ports resolved', async () => {
    await startWith([services, service('web')], [pods, webPod('a', { ip: '10.0.0.1', ready: true })], [pods, webPod('b', { ip: '10.0.0.2', node: 'node-b' })], [pods, webPod('no-ip')]);
    expect(kit.writes()).toEqual(['create endpoints']);
    expect(stored()?.metadata.labels).toEqual({ tier: 'front' });
    expect(stored()?.subsets).toEqual([
      {
        addresses: [{ ip: '10.0.0.1', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '10.0.0.2', nodeName: 'node-b', targetRef: { kind: 'Pod', namespace: 'shop', name: 'b', uid: 'uid-b' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('puts pods whose named port differs into separate subsets and skips pods lacking the port', async () => {
    const noPort = webPod('c', { ip: '10.0.0.3', ready: true });
    noPort.spec.containers[0].ports = [];
    await startWith([services, service('web')], [pods, webPod('a', { ip: '10.0.0.1', ready: true })], [pods, webPod('b', { ip: '10.0.0.2', ready: true, port: 9090 })], [pods, noPort]);
    expect(stored()?.subsets?.map((s) => [s.addresses?.map((a) => a.ip), s.ports?.[0].port])).toEqual([
      [['10.0.0.1'], 8080],
      [['10.0.0.2'], 9090],
    ]);
  });

  it('writes nothing when the Endpoints already match, and updates in place when a pod becomes ready', async () => {
    await startWith([services, service('web')], [pods, webPod('a', { ip: '10.0.0.1' })]);
    kit.client.clearActions();
    controller.enqueue('shop/web');
    await drain(kit, controller);
    expect(kit.writes()).toEqual([]);

    await kit.client.update(pods, webPod('a', { ip: '10.0.0.1', ready: true }), { subresource: 'status' });
    await kit.settle();
    await drain(kit, controller);
    expect(kit.writes()).toEqual(['update pods/status', 'update endpoints']);
    expect(stored()?.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['10.0.0.1']);
    expect(stored()?.subsets?.[0].notReadyAddresses).toBeUndefined();
  });

  it('drops terminating pods, keeps pod hostnames for the subdomain Service, and publishes not-ready pods when asked', async () => {
    const named = webPod('h', { ip: '10.0.0.4' });
    named.spec.hostname = 'h0';
    named.spec.subdomain = 'web';
    await startWith(
      [services, service('web', { clusterIP: 'None', ports: [], publishNotReadyAddresses: true })],
      [pods, named],
      [pods, webPod('gone', { ip: '10.0.0.5', ready: true, deleting: true })],
    );
    // publishNotReadyAddresses also keeps terminating pods, as Kubernetes does.
    expect(stored()?.metadata.labels).toEqual({ tier: 'front', 'service.kubernetes.io/headless': '' });
    expect(stored()?.subsets).toEqual([
      {
        addresses: [
          { ip: '10.0.0.4', hostname: 'h0', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'h', uid: 'uid-h' } },
          { ip: '10.0.0.5', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'gone', uid: 'uid-gone' } },
        ],
      },
    ]);
  });

  it('leaves terminating pods out of a normal Service', async () => {
    await startWith([services, service('web')], [pods, webPod('a', { ip: '10.0.0.1', ready: true })], [pods, webPod('gone', { ip: '10.0.0.5', ready: true, deleting: true })]);
    expect(stored()?.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['10.0.0.1']);
    expect(stored()?.subsets?.[0].notReadyAddresses).toBeUndefined();
  });

  it('leaves the Endpoints of a Service without selector alone', async () => {
    const manual: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }] }] };
    await startWith([services, service('web', { selector: undefined })], [endpointsType, manual], [pods, webPod('a', { ip: '10.0.0.1', ready: true })]);
    expect(kit.writes()).toEqual([]);
    expect(stored()?.subsets).toEqual(manual.subsets);
  });

  it('removes a deleted pod, and deletes the Endpoints with the Service', async () => {
    await startWith([services, service('web')], [pods, webPod('a', { ip: '10.0.0.1', ready: true })], [pods, webPod('b', { ip: '10.0.0.2', ready: true })]);
    await kit.client.delete(pods, 'shop', 'a');
    await kit.settle();
    await drain(kit, controller);
    expect(stored()?.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['10.0.0.2']);

    await kit.client.delete(services, 'shop', 'web');
    await kit.settle();
    await drain(kit, controller);
    expect(stored()).toBeUndefined();
  });

  it('retries after the apiserver fails, with backoff on the fake clock', async () => {
    kit.client.failOn('create', 'endpoints', serverError(), 1);
    await startWith([services, service('web')], [pods, webPod('a', { ip: '10.0.0.1', ready: true })]);
    expect(stored()).toBeUndefined();
    expect(controller.queue.numRequeues('shop/web')).toBe(1);
    await kit.clock.advance(10);
    await drain(kit, controller);
    expect(kit.writes()).toEqual(['create endpoints', 'create endpoints']);
    expect(stored()?.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['10.0.0.1']);
  });
});
