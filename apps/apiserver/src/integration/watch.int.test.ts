import { Etcd3 } from 'etcd3';
import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { call, openWatch, readWatch } from './http';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
const cms = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

const cm = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, data: { v: '1' } });

describe('watch', () => {
  it('without a resourceVersion sends the current objects as ADDED, then changes', async () => {
    await call(base, 'POST', cms, cm('w0-a'));
    const watch = openWatch(base, `${cms}?watch=1&fieldSelector=metadata.name%3Dw0-a`, (evs) => evs.length >= 2);
    await watch.connected;
    await call(base, 'PATCH', `${cms}/w0-a`, { data: { v: '2' } }, 'application/merge-patch+json');
    const evs = await watch.events;
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(evs[1].object.data.v).toBe('2');
    expect(Number(evs[1].object.metadata.resourceVersion)).toBeGreaterThan(Number(evs[0].object.metadata.resourceVersion));
  });

  it('from a list resourceVersion delivers only newer changes, DELETED with the last state', async () => {
    await call(base, 'POST', cms, cm('w1-old'));
    const list = await call(base, 'GET', cms);
    const rv = list.body.metadata.resourceVersion;
    const watch = openWatch(base, `${cms}?watch=true&resourceVersion=${rv}`, (evs) => evs.length >= 2);
    await watch.connected;
    await call(base, 'POST', cms, cm('w1-new'));
    await call(base, 'DELETE', `${cms}/w1-new`);
    const evs = await watch.events;
    expect(evs.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w1-new'],
      ['DELETED', 'w1-new'],
    ]);
    expect(evs[1].object.data).toEqual({ v: '1' });
  });

  it('replays changes after an older resourceVersion from the watch cache', async () => {
    const a = await call(base, 'POST', cms, cm('w2-a'));
    await call(base, 'PATCH', `${cms}/w2-a`, { data: { v: 'x' } }, 'application/merge-patch+json');
    const evs = await readWatch(base, `${cms}?watch=1&resourceVersion=${a.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Dw2-a`, (e) => e.length >= 1);
    expect(evs[0].type).toBe('MODIFIED');
    expect(evs[0].object.data.v).toBe('x');
  });

  it('turns label changes into ADDED and DELETED for a selector watch', async () => {
    await call(base, 'POST', cms, cm('w3', { tier: 'back' }));
    const list = await call(base, 'GET', `${cms}?labelSelector=tier%3Dfront`);
    expect(list.body.items).toEqual([]);
    const watch = openWatch(base, `${cms}?watch=1&labelSelector=tier%3Dfront&resourceVersion=${list.body.metadata.resourceVersion}`, (evs) => evs.length >= 2);
    await watch.connected;
    await call(base, 'PATCH', `${cms}/w3`, { metadata: { labels: { tier: 'front' } } }, 'application/merge-patch+json');
    await call(base, 'PATCH', `${cms}/w3`, { metadata: { labels: { tier: 'back' } } }, 'application/merge-patch+json');
    const evs = await watch.events;
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const evs = await readWatch(base, `${cms}?watch=1&timeoutSeconds=1&labelSelector=none%3Dnone`, () => false, 10_000);
    expect(evs).toEqual([]);
    expect(Date.now() - started).toBeLessThan(9_000);
  });

});

describe('list', () => {
  it('pages with limit and continue at one consistent revision', async () => {
    for (let i = 0; i < 5; i++) await call(base, 'POST', '/api/v1/namespaces/kube-public/configmaps', cm(`page-${i}`));
    const first = await call(base, 'GET', '/api/v1/namespaces/kube-public/configmaps?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.continue).toBeTruthy();
    await call(base, 'POST', '/api/v1/namespaces/kube-public/configmaps', cm('page-9'));
    const names: string[] = first.body.items.map((i: any) => i.metadata.name);
    let token = first.body.metadata.continue;
    while (token) {
      const next = await call(base, 'GET', `/api/v1/namespaces/kube-public/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
      expect(next.status).toBe(200);
      expect(next.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
      names.push(...next.body.items.map((i: any) => i.metadata.name));
      token = next.body.metadata.continue;
    }
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('answers a continue token from before a compaction with 410', async () => {
    const first = await call(base, 'GET', '/api/v1/namespaces/kube-public/configmaps?limit=1');
    await call(base, 'POST', '/api/v1/namespaces/kube-public/configmaps', cm('page-after'));
    const etcd = new Etcd3({ hosts: cp.etcd.endpoint });
    try {
      const rev = (await etcd.kv.range({ key: Buffer.from('/registry/') })).header.revision;
      await etcd.kv.compact({ revision: rev, physical: true });
    } finally {
      etcd.close();
    }
    const next = await call(base, 'GET', `/api/v1/namespaces/kube-public/configmaps?limit=1&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    expect(next.status).toBe(410);
    expect(next.body.reason).toBe('Expired');
  });

  it('filters by field selector and rejects unsupported fields', async () => {
    await call(base, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'fs-a' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
    await call(base, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'fs-b' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const onNode = await call(base, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    expect(onNode.body.items.map((p: any) => p.metadata.name)).toEqual(['fs-a']);
    // resourceVersion=0 reads the watch cache, which may trail the write by a moment.
    const cached = await waitFor(async () => {
      const r = await call(base, 'GET', '/api/v1/pods?resourceVersion=0&fieldSelector=spec.nodeName%3D,status.phase%3DPending');
      return r.body.items.length ? r : undefined;
    }, { what: 'the cache to hold fs-b' });
    expect(cached.body.items.map((p: any) => p.metadata.name)).toEqual(['fs-b']);
    const bad = await call(base, 'GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('field label not supported: spec.bogus');
  });
});

// Last, because it restarts the apiserver the other tests share.
describe('after an apiserver restart', () => {
  it('answers a resourceVersion older than the cache window with an ERROR event carrying 410', async () => {
    const old = await call(base, 'POST', cms, cm('w4-old'));
    await call(base, 'POST', cms, cm('w4-new'));
    // A restarted apiserver's cache starts at the current revision: anything before it is out of its window.
    await cp.apiserver.restart();
    const evs = await readWatch(base, `${cms}?watch=1&resourceVersion=${old.body.metadata.resourceVersion}`, (e) => e.length >= 1);
    expect(evs).toHaveLength(1);
    expect(evs[0].type).toBe('ERROR');
    expect(evs[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });
});
