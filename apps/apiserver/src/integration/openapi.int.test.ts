import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(60_000);

let cp: TestControlPlane;
let base: string;

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

const pods = '/api/v1/namespaces/default/pods';
/** A pod body whose container names itself twice, as a hand-edited manifest might. */
const duplicatePod = (name: string) =>
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}"},"spec":{"containers":[{"name":"x","image":"busybox","name":"c"}]}}`;

describe('OpenAPI v3', () => {
  it('lists every group-version with a hashed URL, and serves each document there', async () => {
    const root = await call(base, 'GET', '/openapi/v3?timeout=32s');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^application\/json/);
    const paths = root.body.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/coordination.k8s.io/v1', 'apis/policy/v1']));

    const discovered = (await call(base, 'GET', '/apis')).body.groups.flatMap((g: any) => g.versions.map((v: any) => `apis/${v.groupVersion}`));
    expect(Object.keys(paths).sort()).toEqual(['api/v1', ...discovered].sort());

    for (const [gv, { serverRelativeURL }] of Object.entries(paths)) {
      expect(serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
      const res = await fetch(base + serverRelativeURL, { headers: { Accept: 'application/json' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, immutable');
      expect(res.headers.get('etag')).toBe(`"${serverRelativeURL.split('hash=')[1]}"`);
      const doc = (await res.json()) as any;
      expect(doc.openapi).toBe('3.0.0');
      expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
      const patches = Object.values(doc.paths as Record<string, any>).filter((p) => p.patch?.['x-kubernetes-action'] === 'patch');
      // Group versions of create-only kinds (the access reviews) have a POST and nothing to patch, as in Kubernetes.
      const posts = Object.values(doc.paths as Record<string, any>).filter((p) => p.post?.['x-kubernetes-action'] === 'post');
      expect(patches.length + posts.length).toBeGreaterThan(0);
      for (const p of patches) {
        expect(p.patch['x-kubernetes-group-version-kind']).toHaveProperty('kind');
        expect(p.patch.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fieldValidation', in: 'query' })]));
      }
      const kinds = Object.values(doc.components.schemas as Record<string, any>).filter((s) => s['x-kubernetes-group-version-kind']);
      expect(kinds.length).toBeGreaterThan(0);
    }
  });

  it('serves the core document with Pod and its nested schemas, with or without the hash', async () => {
    const plain = await call(base, 'GET', '/openapi/v3/api/v1');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('no-cache, private');
    const schemas = plain.body.components.schemas;
    expect(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    const patch = plain.body.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });

    const etag = plain.headers.get('etag')!;
    const again = await fetch(`${base}/openapi/v3/api/v1`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    const stale = await fetch(`${base}/openapi/v3/apis/apps/v1?hash=0123`, { redirect: 'manual' });
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('answers 404 for unknown group-versions', async () => {
    const unknown = await call(base, 'GET', '/openapi/v3/apis/nope/v1');
    expect(unknown.status).toBe(404);
    expect(unknown.body.kind).toBe('Status');
    const protobufOnly = await fetch(`${base}/openapi/v3/api/v1`, { headers: { Accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' } });
    expect(protobufOnly.status).toBe(406);
  });
});

describe('strict field validation', () => {
  it('Strict rejects duplicate and unknown fields with 400 and stores nothing', async () => {
    const res = await call(base, 'POST', `${pods}?fieldValidation=Strict`, duplicatePod('dup-strict').replace('"image":"busybox"', '"image":"busybox","imagePullPolicyy":"Always"'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(res.body.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolicyy", duplicate field "spec.containers[0].name"',
    );
    expect((await call(base, 'GET', `${pods}/dup-strict`)).status).toBe(404);
  });

  it('Strict rejects duplicate keys in YAML bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: dup-yaml\n  name: dup-yaml\nspec:\n  containers:\n  - name: c\n    image: busybox\n';
    const res = await call(base, 'POST', `${pods}?fieldValidation=Strict`, yaml, 'application/yaml');
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map');
  });

  it('Warn creates the object with the last value and a Warning per duplicate', async () => {
    const res = await call(base, 'POST', `${pods}?fieldValidation=Warn`, duplicatePod('dup-warn'));
    expect(res.status).toBe(201);
    expect(res.body.spec.containers[0].name).toBe('c');
    expect(res.headers.get('warning')).toBe('299 - "duplicate field \\"spec.containers[0].name\\""');
  });

  it('Ignore creates the object silently', async () => {
    const res = await call(base, 'POST', `${pods}?fieldValidation=Ignore`, duplicatePod('dup-ignore'));
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBeNull();
  });

  it('Strict also checks merge patch bodies', async () => {
    const res = await call(
      base,
      'PATCH',
      `${pods}/dup-warn?fieldValidation=Strict`,
      '{"metadata":{"labels":{"a":"1","a":"2"}}}',
      'application/merge-patch+json',
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/strict decoding error: duplicate field "metadata.labels.a"$/);
  });
});
