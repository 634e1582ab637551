import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { registrySnapshot } from './etcd-snapshot';
import { call } from './http';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
const pods = '/api/v1/namespaces/default/pods';
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  ...extra,
});

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
  expect((await call(base, 'POST', pods, pod('existing'))).status).toBe(201);
});
afterAll(async () => {
  await cp?.stop();
});

describe('bad input gets a Status and changes nothing', () => {
  it('rejects every kind of bad request without writing to etcd', async () => {
    const before = await registrySnapshot(cp.etcd.endpoint);
    const existing = (await call(base, 'GET', `${pods}/existing`)).body;

    const malformed = await call(base, 'POST', pods, '{"metadata": {"name": "x"},\n  "spec": }');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(malformed.body.message).toMatch(/line 2, column \d+/);

    const badYaml = await call(base, 'POST', pods, 'metadata:\n  name: x\n spec: [', 'application/yaml');
    expect(badYaml.status).toBe(400);
    expect(badYaml.body.message).toMatch(/YAML at line \d+/);

    const huge = await call(base, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'huge' }, data: { k: 'x'.repeat(3 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.reason).toBe('RequestEntityTooLarge');

    const invalid = await call(base, 'POST', pods, { metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c' }, { name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }] } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.details.causes.map((c: any) => c.field)).toEqual(
      expect.arrayContaining(['metadata.name', 'spec.containers[0].image', 'spec.containers[1].name', 'spec.containers[1].ports[0].containerPort']),
    );

    const strict = await call(base, 'POST', `${pods}?fieldValidation=Strict`, pod('strict', { spec: { containers: [{ name: 'c', image: 'x', bogusField: 1 }] } }));
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain('unknown field "spec.containers[0].bogusField"');

    const unknownKind = await call(base, 'POST', '/api/v1/namespaces/default/widgets', { metadata: { name: 'w' } });
    expect(unknownKind.status).toBe(404);
    expect(unknownKind.body.message).toContain('widgets');

    const wrongKind = await call(base, 'POST', pods, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'k' } });
    expect(wrongKind.status).toBe(400);

    expect((await call(base, 'POST', `${pods}/existing`, pod('existing'))).status).toBe(405);
    expect((await call(base, 'PATCH', `${pods}/existing`, '{}', 'application/x-unknown-patch')).status).toBe(415);

    const immutable = await call(base, 'PUT', `${pods}/existing`, { ...existing, spec: { ...existing.spec, restartPolicy: 'Never' } });
    expect(immutable.status).toBe(422);
    expect(immutable.body.message).toContain('Forbidden');

    const stale = await call(base, 'PATCH', `${pods}/existing`, { metadata: { resourceVersion: '1', labels: { a: 'b' } } }, 'application/merge-patch+json');
    expect(stale.status).toBe(409);

    const precondition = await call(base, 'DELETE', `${pods}/existing`, { preconditions: { uid: 'not-the-uid' } });
    expect(precondition.status).toBe(409);

    const badTest = await call(base, 'PATCH', `${pods}/existing`, [{ op: 'test', path: '/metadata/name', value: 'other' }, { op: 'add', path: '/metadata/labels', value: { x: 'y' } }], 'application/json-patch+json');
    expect(badTest.status).toBe(422);

    const missingNs = await call(base, 'POST', '/api/v1/namespaces/nowhere/pods', pod('p'));
    expect(missingNs.status).toBe(404);
    expect(missingNs.body.message).toBe('namespaces "nowhere" not found');

    const dryRun = await call(base, 'POST', `${pods}?dryRun=All`, pod('dry'));
    expect(dryRun.status).toBe(201);
    expect((await call(base, 'GET', `${pods}/dry`)).status).toBe(404);

    expect(await registrySnapshot(cp.etcd.endpoint)).toEqual(before);
  });

  it('returns the object unchanged, same resourceVersion, for a no-op patch', async () => {
    const cur = (await call(base, 'GET', `${pods}/existing`)).body;
    const same = await call(base, 'PATCH', `${pods}/existing`, { metadata: { name: 'existing' } }, 'application/merge-patch+json');
    expect(same.status).toBe(200);
    expect(same.body.metadata.resourceVersion).toBe(cur.metadata.resourceVersion);
  });

  it('answers 503 while etcd is down and recovers by itself when it returns', async () => {
    await cp.etcd.stop(true);
    const down = await call(base, 'GET', `${pods}/existing`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
    const write = await call(base, 'POST', pods, pod('while-down'));
    expect(write.status).toBe(503);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    await cp.etcd.restart();
    await waitFor(async () => (await call(base, 'GET', `${pods}/existing`)).status === 200, { timeoutMs: 30_000, what: 'apiserver to reach etcd again' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await call(base, 'POST', pods, pod('after-recovery'))).status).toBe(201);
    expect((await call(base, 'GET', `${pods}/while-down`)).status).toBe(404);
  });
});
