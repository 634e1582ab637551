import { startControlPlane, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(60_000);

let cp: TestControlPlane;
let base: string;
const v2Accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const v2beta1Accept = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

async function get(path: string, accept?: string) {
  const res = await fetch(base + path, { headers: accept ? { Accept: accept } : {} });
  return { type: res.headers.get('content-type'), body: (await res.json()) as any };
}

describe('discovery', () => {
  it('serves aggregated discovery v2 with its exact media type to clients that ask for it', async () => {
    const apis = await get('/apis', v2Accept);
    expect(apis.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(apis.body.kind).toBe('APIGroupDiscoveryList');
    const apps = apis.body.items.find((g: any) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deployments).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(deployments.subresources).toEqual(
      expect.arrayContaining([expect.objectContaining({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } })]),
    );
    const core = await get('/api', v2Accept);
    expect(core.body.items).toHaveLength(1);
    expect(core.body.items[0].metadata.name).toBe('');
    const pods = core.body.items[0].versions[0].resources.find((r: any) => r.resource === 'pods');
    expect(pods.subresources.find((s: any) => s.subresource === 'eviction').responseKind).toEqual({ group: 'policy', version: 'v1', kind: 'Eviction' });
  });

  it('gives legacy discovery to clients that only know v2beta1 or plain JSON', async () => {
    const api = await get('/api', v2beta1Accept);
    expect(api.type).toMatch(/^application\/json/);
    expect(api.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = await get('/apis');
    expect(apis.body.kind).toBe('APIGroupList');
    expect(apis.body.groups.map((g: any) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'policy', 'coordination.k8s.io']));
    const v1 = await get('/api/v1');
    const eviction = v1.body.resources.find((r: any) => r.name === 'pods/eviction');
    expect(eviction).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    expect(v1.body.resources.find((r: any) => r.name === 'pods')).toMatchObject({ shortNames: ['po'], categories: ['all'], namespaced: true });
  });

  it('serves rbac.authorization.k8s.io/v1 with its four kinds, none in category all', async () => {
    const rbac = await get('/apis/rbac.authorization.k8s.io/v1');
    expect(rbac.body.resources.map((r: any) => [r.name, r.kind, r.namespaced])).toEqual([
      ['clusterrolebindings', 'ClusterRoleBinding', false],
      ['clusterroles', 'ClusterRole', false],
      ['rolebindings', 'RoleBinding', true],
      ['roles', 'Role', true],
    ]);
    for (const r of rbac.body.resources) expect(r.categories ?? []).toEqual([]);
  });
});
