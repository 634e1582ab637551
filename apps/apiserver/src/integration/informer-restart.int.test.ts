import { configmaps, type ConfigMap } from '@skiff/api';
import { HttpKubeClient, Informer } from '@skiff/client';
import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let client: HttpKubeClient;
let informer: Informer<ConfigMap>;

const names = () => informer.lister.listInNamespace('default').map((c) => c.metadata.name).sort();
const converged = (want: string[]) => waitFor(() => JSON.stringify(names()) === JSON.stringify(want), { timeoutMs: 30_000, what: `informer to hold ${want.join(',')} (has ${names().join(',')})` });
const cm = (name: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } });

beforeAll(async () => {
  cp = await startControlPlane();
  client = new HttpKubeClient({ server: cp.apiserver.url, namespace: 'default' });
  informer = new Informer<ConfigMap>(client, configmaps, { namespace: 'default', initialBackoffMs: 50, maxBackoffMs: 500 });
  informer.start();
  await informer.waitForSync();
});
afterAll(async () => {
  informer?.stop();
  await cp?.stop();
});

describe('an informer against a real apiserver', () => {
  it('lists, then follows changes', async () => {
    await client.create(configmaps, 'default', cm('a'));
    await converged(['a']);
  });

  it('converges again after the apiserver restarts, including changes made meanwhile by another writer', async () => {
    await cp.apiserver.kill();
    await cp.apiserver.restart();
    await client.create(configmaps, 'default', cm('b'));
    await client.delete(configmaps, 'default', 'a');
    await converged(['b']);
  });

  it('converges again after etcd restarts', async () => {
    await cp.etcd.stop(true);
    await cp.etcd.restart();
    await waitFor(async () => (await fetch(`${cp.apiserver.url}/readyz`)).ok, { timeoutMs: 30_000, what: 'apiserver ready' });
    await waitFor(async () => !!(await client.create(configmaps, 'default', cm('c'))), { timeoutMs: 30_000, what: 'a create to succeed' });
    await client.delete(configmaps, 'default', 'b');
    await converged(['c']);
  });
});
