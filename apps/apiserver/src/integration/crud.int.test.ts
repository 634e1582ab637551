import { apiVersionOf, builtinScheme, type ResourceType } from '@skiff/api';
import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { call } from './http';
import { fixtures } from './fixtures';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

function collectionPath(t: ResourceType, ns = 'default'): string {
  const prefix = t.group ? `/apis/${apiVersionOf(t)}` : `/api/${t.version}`;
  return t.namespaced ? `${prefix}/namespaces/${ns}/${t.resource}` : `${prefix}/${t.resource}`;
}

const stored = builtinScheme.all.filter((t) => t.verbs.includes('get'));

describe('CRUD for every resource', () => {
  it('has a fixture for every stored resource', () => {
    expect(stored.map((t) => t.resource).filter((r) => !fixtures[r])).toEqual([]);
  });

  it.each(stored.map((t) => [t.resource, t] as const))('%s: create, get, list, update, patch, delete', async (_r, t) => {
    const name = `crud-${t.singular}`;
    const col = collectionPath(t);
    const item = `${col}/${name}`;

    const created = await call(base, 'POST', col, { apiVersion: apiVersionOf(t), kind: t.kind, ...fixtures[t.resource](name) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: apiVersionOf(t), kind: t.kind, metadata: { name } });
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const rv1 = created.body.metadata.resourceVersion;
    expect(rv1).toMatch(/^\d+$/);

    const dup = await call(base, 'POST', col, { apiVersion: apiVersionOf(t), kind: t.kind, ...fixtures[t.resource](name) });
    expect(dup.status).toBe(409);
    expect(dup.body.reason).toBe('AlreadyExists');

    const got = await call(base, 'GET', item);
    expect(got.status).toBe(200);
    expect(got.body.metadata.resourceVersion).toBe(rv1);

    const listed = await call(base, 'GET', col);
    expect(listed.status).toBe(200);
    expect(listed.body.kind).toBe(t.listKind);
    expect(listed.body.items.map((i: any) => i.metadata.name)).toContain(name);
    expect(Number(listed.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv1));

    const put = await call(base, 'PUT', item, { ...got.body, metadata: { ...got.body.metadata, labels: { ...(got.body.metadata.labels ?? {}), updated: 'yes' } } });
    expect(put.status).toBe(200);
    expect(put.body.metadata.labels.updated).toBe('yes');
    expect(Number(put.body.metadata.resourceVersion)).toBeGreaterThan(Number(rv1));

    const stale = await call(base, 'PUT', item, { ...got.body, metadata: { ...got.body.metadata, labels: { stale: 'yes' } } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');

    const merged = await call(base, 'PATCH', item, { metadata: { labels: { patched: 'merge' } } }, 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect(merged.body.metadata.labels).toMatchObject({ updated: 'yes', patched: 'merge' });

    const jp = await call(base, 'PATCH', item, [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }], 'application/json-patch+json');
    expect(jp.status).toBe(200);
    expect(jp.body.metadata.annotations).toEqual({ a: 'b' });

    const del = await call(base, 'DELETE', item);
    expect(del.status).toBe(200);
    if (t.resource === 'namespaces') {
      expect(del.body.status.phase).toBe('Terminating');
      expect(del.body.metadata.deletionTimestamp).toBeDefined();
    } else {
      expect((await call(base, 'GET', item)).status).toBe(404);
    }
  });
});
