import { Etcd3 } from 'etcd3';
import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { call, readWatch } from './http';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
const cms = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  cp = await startControlPlane({ apiserverArgs: ['--compaction-interval=1s', '--watch-bookmark-interval=1s'] });
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

describe('history', () => {
  it('compacts etcd on its interval, keeping one interval of history', async () => {
    const first = await call(base, 'POST', cms, { metadata: { name: 'old' } });
    const oldRev = Number(first.body.metadata.resourceVersion);
    const etcd = new Etcd3({ hosts: cp.etcd.endpoint });
    try {
      // Reading at the old revision fails once the compactor has passed it.
      await waitFor(
        async () => {
          await call(base, 'PATCH', `${cms}/old`, { data: { t: String(Date.now()) } }, 'application/merge-patch+json');
          try {
            await etcd.kv.range({ key: Buffer.from('/registry/configmaps/default/old'), revision: oldRev });
            return false;
          } catch (e) {
            return /compacted/.test(String(e));
          }
        },
        { timeoutMs: 20_000, intervalMs: 500, what: 'etcd history before the first write to be compacted' },
      );
    } finally {
      etcd.close();
    }
    // The watch cache still serves watches from its own window.
    expect((await call(base, 'GET', `${cms}?resourceVersion=0`)).status).toBe(200);
  });

  it('sends bookmarks to watches that allow them', async () => {
    const list = await call(base, 'GET', cms);
    const evs = await readWatch(base, `${cms}?watch=1&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`, (e) => e.some((x) => x.type === 'BOOKMARK'), 10_000);
    const bookmark = evs.find((e) => e.type === 'BOOKMARK');
    expect(bookmark.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.body.metadata.resourceVersion));
  });
});
