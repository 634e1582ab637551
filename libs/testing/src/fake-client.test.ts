import { configmaps, deployments, namespaces, pods, type KObject } from '@skiff/api';
import { FakeClock, Informer, isAlreadyExists, isConflict, isNotFound } from '@skiff/client';
import { FakeKubeClient } from './fake-client';

/** True when the promise rejects with an error the predicate accepts. */
const failsWith = (p: Promise<unknown>, pred: (e: unknown) => boolean) => p.then(() => false, pred);

const cm = (name: string, extra: Partial<KObject> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, ...extra });

describe('FakeKubeClient', () => {
  let clock: FakeClock;
  let client: FakeKubeClient;
  beforeEach(() => {
    clock = new FakeClock();
    client = new FakeKubeClient(clock);
  });

  it('creates like the apiserver: uid, timestamps, resourceVersion, generateName, AlreadyExists', async () => {
    const a = await client.create(configmaps, 'default', cm('a'));
    expect(a.metadata).toMatchObject({ name: 'a', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z', resourceVersion: '1' });
    expect(a.metadata.uid).toBeTruthy();
    const g = await client.create<KObject>(configmaps, 'default', { ...cm(''), metadata: { generateName: 'gen-' } });
    expect(g.metadata.name).toMatch(/^gen-/);
    expect(await failsWith(client.create(configmaps, 'default', cm('a')), isAlreadyExists)).toBe(true);
    expect(client.writes()).toEqual(['create configmaps', 'create configmaps', 'create configmaps']);
  });

  it('refuses stale updates, keeps status out of main writes and bumps generation on spec changes', async () => {
    const d = await client.create<KObject>(deployments, 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } });
    expect(d.metadata.generation).toBe(1);
    const up = await client.update<KObject>(deployments, { ...d, spec: { replicas: 2 }, status: { replicas: 9 } });
    expect(up.metadata.generation).toBe(2);
    expect(up.status).toBeUndefined();
    expect(await failsWith(client.update(deployments, { ...d, spec: { replicas: 3 } }), isConflict)).toBe(true);
    const st = await client.update<KObject>(deployments, { ...up, status: { replicas: 2 } }, { subresource: 'status' });
    expect(st.status).toEqual({ replicas: 2 });
    expect(st.metadata.generation).toBe(2);
  });

  it('patches with merge, JSON and strategic patches', async () => {
    await client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } });
    await client.patch(pods, 'default', 'p', 'merge', { metadata: { labels: { m: '1' } } });
    await client.patch(pods, 'default', 'p', 'json', [{ op: 'add', path: '/metadata/labels/j', value: '2' }]);
    const p = await client.patch<KObject & { spec: { containers: { name: string; image: string }[] } }>(pods, 'default', 'p', 'strategic', { spec: { containers: [{ name: 'b', image: 'z' }] } });
    expect(p.metadata.labels).toEqual({ m: '1', j: '2' });
    expect(p.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['a=x', 'b=z']);
  });

  it('keeps objects with finalizers until they are removed', async () => {
    await client.create(configmaps, 'default', cm('f', { metadata: { name: 'f', namespace: 'default', finalizers: ['x/y'] } }));
    const deleting = (await client.delete(configmaps, 'default', 'f')) as KObject;
    expect(deleting.metadata.deletionTimestamp).toBe('2024-05-01T10:00:00Z');
    await client.patch(configmaps, 'default', 'f', 'merge', { metadata: { finalizers: null } });
    expect(await failsWith(client.get(configmaps, 'default', 'f'), isNotFound)).toBe(true);
  });

  it('keeps a deleted namespace Terminating until its spec.finalizers are finalized away', async () => {
    await client.create(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' }, spec: { finalizers: ['kubernetes'] } });
    const deleting = (await client.delete(namespaces, undefined, 'ns')) as KObject;
    expect(deleting.status).toEqual({ phase: 'Terminating' });
    await client.patch(namespaces, undefined, 'ns', 'merge', { metadata: { labels: { a: 'b' } } });
    const current = await client.get(namespaces, undefined, 'ns');
    expect(current.metadata.deletionTimestamp).toBeTruthy();
    await client.update(namespaces, { ...current, spec: { finalizers: [] } }, { subresource: 'finalize' });
    expect(await failsWith(client.get(namespaces, undefined, 'ns'), isNotFound)).toBe(true);
  });

  it('fails calls on demand, a given number of times', async () => {
    client.failOn('create', 'configmaps', new Error('boom'), 1);
    await expect(client.create(configmaps, 'default', cm('x'))).rejects.toThrow('boom');
    await expect(client.create(configmaps, 'default', cm('x'))).resolves.toBeTruthy();
  });

  it('feeds real informers through list and watch', async () => {
    client.seed(configmaps, cm('seeded'));
    const informer = new Informer(client, configmaps, { clock });
    const seen: string[] = [];
    informer.addEventHandler({ onAdd: (o) => seen.push(`add ${o.metadata.name}`), onDelete: (o) => seen.push(`delete ${o.metadata.name}`) });
    informer.start();
    await informer.waitForSync();
    await client.create(configmaps, 'default', cm('later'));
    await client.delete(configmaps, 'default', 'seeded');
    await clock.advance(0);
    expect(seen).toEqual(['add seeded', 'add later', 'delete seeded']);
    informer.stop();
  });
});
