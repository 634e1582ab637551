import { apiVersionOf, builtinScheme, type ResourceType } from '@skiff/api';
import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { protobufBody, protobufBodyFromJSON, protobufEnvelope } from '../protobuf/test-bodies';
import { fixtures } from './fixtures';
import { call } from './http';

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

/** A request the way kubectl's typed clients send it: protobuf in, protobuf or JSON accepted back. */
async function sendProtobuf(method: string, path: string, body: Buffer): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf,application/json' },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

function collectionPath(t: ResourceType, ns = 'default'): string {
  const prefix = t.group ? `/apis/${apiVersionOf(t)}` : `/api/${t.version}`;
  return t.namespaced ? `${prefix}/namespaces/${ns}/${t.resource}` : `${prefix}/${t.resource}`;
}

const strict = '?fieldManager=kubectl-create&fieldValidation=Strict';

describe('protobuf request bodies', () => {
  const stored = builtinScheme.all.filter((t) => fixtures[t.resource]);
  it.each(stored.map((t) => [t.resource, t] as const))('%s: created from a protobuf body with strict field validation', async (_r, t) => {
    const name = `pb-${t.singular}`;
    const fixture = fixtures[t.resource](name);
    const created = await sendProtobuf('POST', collectionPath(t) + strict, protobufBodyFromJSON({ apiVersion: apiVersionOf(t), kind: t.kind, ...fixture }));
    expect(created.status).toBe(201);
    const { stringData, ...rest } = fixture as { stringData?: Record<string, string> };
    expect(created.body).toMatchObject({ apiVersion: apiVersionOf(t), kind: t.kind, ...rest });
    // stringData is write-only: the server folds it into data.
    if (stringData) expect(created.body.data).toEqual({ k: Buffer.from('v').toString('base64') });
    const fetched = await call(base, 'GET', `${collectionPath(t)}/${name}`);
    expect(fetched.body.metadata.uid).toBe(created.body.metadata.uid);
  });

  it('stores what kubectl create deployment asks for, zero replicas and int-or-strings included', async () => {
    const body = protobufBodyFromJSON({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'pb-web', labels: { app: 'pb-web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'pb-web' } },
        template: {
          metadata: { labels: { app: 'pb-web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { memory: '128Mi' } } }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } },
      },
      status: {},
    });
    const created = await sendProtobuf('POST', `/apis/apps/v1/namespaces/default/deployments${strict}`, body);
    expect(created.status).toBe(201);
    const stored = (await call(base, 'GET', '/apis/apps/v1/namespaces/default/deployments/pb-web')).body;
    expect(stored.spec.replicas).toBe(0);
    expect(stored.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } });
    expect(stored.spec.template.spec.containers[0]).toMatchObject({ ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { limits: { memory: '128Mi' } } });
  });

  it('keeps ConfigMap binaryData byte for byte', async () => {
    const bytes = Buffer.from([0x00, 0x9f, 0xff, 0x0a]);
    const body = protobufBody('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', { metadata: { name: 'pb-bin' }, data: { a: 'b' }, binaryData: { blob: bytes } });
    expect((await sendProtobuf('POST', `/api/v1/namespaces/default/configmaps${strict}`, body)).status).toBe(201);
    const stored = (await call(base, 'GET', '/api/v1/namespaces/default/configmaps/pb-bin')).body;
    expect(stored.data).toEqual({ a: 'b' });
    expect(Buffer.from(stored.binaryData.blob, 'base64').equals(bytes)).toBe(true);
  });

  it('replaces an object from a protobuf body (PUT)', async () => {
    const path = '/api/v1/namespaces/default/configmaps/pb-put';
    expect((await call(base, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'pb-put' }, data: { v: '1' } })).status).toBe(201);
    const current = (await call(base, 'GET', path)).body;
    const body = protobufBodyFromJSON({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb-put', resourceVersion: current.metadata.resourceVersion }, data: { v: '2' } });
    const replaced = await sendProtobuf('PUT', path, body);
    expect(replaced.status).toBe(200);
    expect(replaced.body.data).toEqual({ v: '2' });
  });

  it('evicts a pod from a protobuf Eviction (what kubectl drain sends)', async () => {
    const pod = { metadata: { name: 'pb-evict' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    expect((await call(base, 'POST', '/api/v1/namespaces/default/pods', pod)).status).toBe(201);
    const body = protobufBodyFromJSON({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'pb-evict', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } });
    const evicted = await sendProtobuf('POST', '/api/v1/namespaces/default/pods/pb-evict/eviction', body);
    expect(evicted.status).toBe(201);
    expect((await call(base, 'GET', '/api/v1/namespaces/default/pods/pb-evict')).status).toBe(404);
  });

  it('takes a protobuf DeleteOptions on DELETE (what kubectl drain --disable-eviction sends)', async () => {
    const bound = { metadata: { name: 'pb-delete' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } };
    expect((await call(base, 'POST', '/api/v1/namespaces/default/pods', bound)).status).toBe(201);
    const body = protobufBodyFromJSON({ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    const deleted = await sendProtobuf('DELETE', '/api/v1/namespaces/default/pods/pb-delete', body);
    expect(deleted.status).toBe(200);
    // A bound pod is deleted gracefully unless the options say 0: its being gone proves they were read.
    expect((await call(base, 'GET', '/api/v1/namespaces/default/pods/pb-delete')).status).toBe(404);
  });

  it('answers 400 with a Status for a malformed body, and stores nothing', async () => {
    const good = protobufBodyFromJSON({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb-broken' }, data: { a: 'b' } });
    const res = await sendProtobuf('POST', '/api/v1/namespaces/default/configmaps', good.subarray(0, good.length - 3));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: expect.stringContaining('error decoding protobuf') });
    expect((await call(base, 'GET', '/api/v1/namespaces/default/configmaps/pb-broken')).status).toBe(404);
  });

  it('answers 415 for a kind it has no protobuf message for', async () => {
    const res = await sendProtobuf('POST', '/api/v1/namespaces/default/configmaps', protobufEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' }, raw: Buffer.alloc(0) }));
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
  });

  it('refuses a protobuf object of another kind than the URL names', async () => {
    const secret = protobufBodyFromJSON({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pb-wrong' }, type: 'Opaque' });
    const res = await sendProtobuf('POST', '/api/v1/namespaces/default/configmaps', secret);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('does not match the expected kind');
  });
});
