import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const smp = 'application/strategic-merge-patch+json';

const twoContainers = (name: string) => ({
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'a', image: 'nginx:1.25', env: [{ name: 'X', value: '1' }] },
          { name: 'b', image: 'busybox:1.36' },
        ],
      },
    },
  },
});

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

describe('PATCH with application/strategic-merge-patch+json', () => {
  it("changes one container's image and keeps the other container", async () => {
    expect((await call(base, 'POST', deployments, twoContainers('img'))).status).toBe(201);
    const r = await call(base, 'PATCH', `${deployments}/img`, { spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx:1.26' }] } } } }, smp);
    expect(r.status).toBe(200);
    const containers = r.body.spec.template.spec.containers;
    expect(containers.map((c: any) => [c.name, c.image])).toEqual([
      ['a', 'nginx:1.26'],
      ['b', 'busybox:1.36'],
    ]);
    expect(containers[0].env).toEqual([{ name: 'X', value: '1' }]);
    expect(r.body.metadata.generation).toBe(2);
    expect((await call(base, 'GET', `${deployments}/img`)).body.spec.template.spec.containers).toEqual(containers);
  });

  it('keeps the resourceVersion when the patch changes nothing', async () => {
    const created = await call(base, 'POST', deployments, twoContainers('noop'));
    const rv = created.body.metadata.resourceVersion;
    const same = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'busybox:1.36' }] } } } };
    const r = await call(base, 'PATCH', `${deployments}/noop`, same, smp);
    expect(r.status).toBe(200);
    expect(r.body.metadata.resourceVersion).toBe(rv);
    expect((await call(base, 'PATCH', `${deployments}/noop`, {}, smp)).body.metadata.resourceVersion).toBe(rv);
  });

  it('removes a container with $patch: delete and switches the strategy with $retainKeys', async () => {
    await call(base, 'POST', deployments, twoContainers('drop'));
    const patch = {
      spec: {
        strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
        template: { spec: { '$setElementOrder/containers': [{ name: 'b' }], containers: [{ name: 'a', $patch: 'delete' }] } },
      },
    };
    const r = await call(base, 'PATCH', `${deployments}/drop`, patch, smp);
    expect(r.status).toBe(200);
    expect(r.body.spec.strategy).toEqual({ type: 'Recreate' });
    expect(r.body.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['b']);
  });

  it('answers a malformed patch with 400 and a list of lists with 422, leaving the object alone', async () => {
    const before = (await call(base, 'GET', `${deployments}/img`)).body;
    const noKey = await call(base, 'PATCH', `${deployments}/img`, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, smp);
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(noKey.body.message).toContain('does not contain declared merge key: name');
    const badDirective = await call(base, 'PATCH', `${deployments}/img`, { metadata: { labels: { $patch: 'bogus' } } }, smp);
    expect(badDirective.status).toBe(400);
    const listOfLists = await call(base, 'PATCH', `${deployments}/img`, { metadata: { finalizers: [['a']] } }, smp);
    expect(listOfLists.status).toBe(422);
    expect(listOfLists.body.reason).toBe('Invalid');
    expect((await call(base, 'GET', `${deployments}/img`)).body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('patches the scale subresource strategically', async () => {
    const r = await call(base, 'PATCH', `${deployments}/img/scale`, { spec: { replicas: 4 } }, smp);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'Scale', spec: { replicas: 4 } });
  });
});
