import { endpoints as endpointsType, endpointslices, pods, services, type Endpoints, type EndpointSlice, type Pod, type Service } from '@skiff/api';
import { EventRecorder, HttpKubeClient, InformerFactory, isNotFound, realClock } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { EndpointSliceController } from '../endpointslice/endpointslice-controller';
import { EndpointsController } from './endpoints-controller';

jest.setTimeout(40_000);

// A real etcd + apiserver; both controllers run in-process over HTTP with the real clock.
let cp: TestControlPlane;
let client: HttpKubeClient;
let informers: InformerFactory;
let controllers: (EndpointsController | EndpointSliceController)[] = [];

const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] },
});

const setStatus = (name: string, podIP: string, ready: boolean) =>
  client.patch(pods, 'default', name, 'merge', { status: { phase: 'Running', podIP, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, { subresource: 'status' });

async function endpointsNow(): Promise<Endpoints | undefined> {
  try {
    return await client.get<Endpoints>(endpointsType, 'default', 'web');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function sliceEndpoints(): Promise<{ name?: string; ready?: boolean }[]> {
  const list = await client.list<EndpointSlice>(endpointslices, 'default', { labelSelector: 'kubernetes.io/service-name=web' });
  return list.items.flatMap((s) => s.endpoints.map((e) => ({ name: e.targetRef?.name, ready: e.conditions?.ready }))).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

beforeAll(async () => {
  cp = await startControlPlane();
  client = new HttpKubeClient({ server: cp.apiserver.url, namespace: 'default' });
  informers = new InformerFactory(client, { clock: realClock });
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new EventRecorder(client, { component }, realClock),
    clock: realClock,
    logger: silentLogger(),
    options: defaultControllerOptions,
  };
  controllers = [new EndpointsController(ctx), new EndpointSliceController(ctx)];
  informers.start();
  await informers.waitForSync();
  for (const c of controllers) c.run(1);
});

afterAll(async () => {
  for (const c of controllers) await c.stop();
  informers?.stop();
  client?.close();
  await cp?.stop();
});

it('lists a Service’s ready and not-ready pods in its Endpoints and EndpointSlice, and drops a deleted pod', async () => {
  await client.create<Service>(services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  await client.create(pods, 'default', pod('web-1'));
  await client.create(pods, 'default', pod('web-2'));
  await setStatus('web-1', '10.244.0.11', true);
  await setStatus('web-2', '10.244.0.12', false);

  const ep = await waitFor(async () => {
    const e = await endpointsNow();
    const s = e?.subsets?.[0];
    return s?.addresses?.length === 1 && s.notReadyAddresses?.length === 1 ? e : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100, what: 'Endpoints with one ready and one not-ready address' });
  expect(ep.subsets).toEqual([
    {
      addresses: [{ ip: '10.244.0.11', targetRef: expect.objectContaining({ kind: 'Pod', name: 'web-1' }) }],
      notReadyAddresses: [{ ip: '10.244.0.12', targetRef: expect.objectContaining({ kind: 'Pod', name: 'web-2' }) }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
  await waitFor(async () => JSON.stringify(await sliceEndpoints()) === JSON.stringify([{ name: 'web-1', ready: true }, { name: 'web-2', ready: false }]), {
    timeoutMs: 10_000,
    intervalMs: 100,
    what: 'an EndpointSlice listing web-1 ready and web-2 not ready',
  });

  await client.delete(pods, 'default', 'web-1', { gracePeriodSeconds: 0 });
  await waitFor(async () => {
    const s = (await endpointsNow())?.subsets?.[0];
    return s && !s.addresses && s.notReadyAddresses?.map((a) => a.ip).join() === '10.244.0.12';
  }, { timeoutMs: 10_000, intervalMs: 100, what: 'Endpoints without web-1' });
  await waitFor(async () => JSON.stringify(await sliceEndpoints()) === JSON.stringify([{ name: 'web-2', ready: false }]), { timeoutMs: 10_000, intervalMs: 100, what: 'an EndpointSlice without web-1' });
});
