import { configmaps, secrets, services } from '@skiff/api';
import { ApiError, FakeClock, failureStatus, InformerFactory } from '@skiff/client';
import { FakeKubeClient } from '@skiff/testing';
import { ApiPodObjectSource } from './object-source';

function setup(ttlMs = 5_000) {
  const clock = new FakeClock();
  const client = new FakeKubeClient(clock);
  client.seed(configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'settings' }, data: { a: '1' } });
  client.seed(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'shop', name: 'creds' }, data: { p: 'cw==' } });
  client.seed(services, { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'cache' }, spec: { clusterIP: '10.96.0.7', ports: [{ port: 1 }] } });
  const informers = new InformerFactory(client, { clock });
  const source = new ApiPodObjectSource(client, informers, { ttlMs, clock, nodeAllocatable: () => ({ cpu: '2' }) });
  const gets = (resource: string) => client.actions.filter((a) => a.verb === 'get' && a.resource === resource).length;
  return { clock, client, informers, source, gets };
}

describe('ApiPodObjectSource', () => {
  it('reads configmaps and secrets, and reports absent ones as undefined', async () => {
    const { source } = setup();
    expect((await source.getConfigMap('shop', 'settings'))?.data).toEqual({ a: '1' });
    expect((await source.getSecret('shop', 'creds'))?.data).toEqual({ p: 'cw==' });
    expect(await source.getConfigMap('shop', 'nope')).toBeUndefined();
    expect(await source.getSecret('other', 'creds')).toBeUndefined();
    expect(source.nodeAllocatable()).toEqual({ cpu: '2' });
  });

  it('reuses a read within the TTL and reads again after it', async () => {
    const { source, gets, clock, client } = setup(5_000);
    await Promise.all([source.getConfigMap('shop', 'settings'), source.getConfigMap('shop', 'settings')]);
    expect(gets('configmaps')).toBe(1);
    client.seed(configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'settings' }, data: { a: '2' } });
    expect((await source.getConfigMap('shop', 'settings'))?.data).toEqual({ a: '1' });
    await clock.advance(5_000);
    expect((await source.getConfigMap('shop', 'settings'))?.data).toEqual({ a: '2' });
    expect(gets('configmaps')).toBe(2);
  });

  it('does not remember a failed read', async () => {
    const { source, client, gets } = setup();
    client.failOn('get', 'secrets', new ApiError(failureStatus(500, 'InternalError', 'etcd is down')), 1);
    await expect(source.getSecret('shop', 'creds')).rejects.toThrow('etcd is down');
    expect((await source.getSecret('shop', 'creds'))?.data).toEqual({ p: 'cw==' });
    expect(gets('secrets')).toBe(2);
  });

  it('lists services from the informer once it has synced', async () => {
    const { source, informers } = setup();
    await expect(source.listServices('shop')).rejects.toThrow('services have not yet been read at least once');
    informers.start();
    expect(await informers.waitForSync()).toBe(true);
    expect((await source.listServices('shop')).map((s) => s.metadata.name)).toEqual(['cache']);
    expect(await source.listServices('default')).toEqual([]);
    informers.stop();
  });
});
