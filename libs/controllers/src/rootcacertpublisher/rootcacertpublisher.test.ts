import { configmaps, namespaces, type ConfigMap, type Namespace } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { descriptionAnnotation, rootCAConfigMapName, rootCADescription } from './reconcile';
import { RootCACertPublisher } from './rootcacertpublisher-controller';

const rootCA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const ns = (name: string, extra: Partial<Namespace> = {}): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-${name}` }, status: { phase: 'Active' }, ...extra });
const rootCAConfigMap = (namespace: string, data: Record<string, string> = { 'ca.crt': rootCA }): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: rootCAConfigMapName, namespace, annotations: { [descriptionAnnotation]: rootCADescription } },
  data,
});
const contextFrom = (kit: ControllerTestKit, ca: string | undefined): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: { ...defaultControllerOptions, rootCA: ca },
});
const stored = (kit: ControllerTestKit, namespace: string) => kit.client.tracker.get(configmaps, namespace, rootCAConfigMapName) as ConfigMap | undefined;

async function drain(c: RootCACertPublisher): Promise<void> {
  while (c.queue.len() > 0) await c.processNext();
}

describe('the root CA certificate publisher', () => {
  let kit: ControllerTestKit;
  let controller: RootCACertPublisher;

  beforeEach(async () => {
    kit = new ControllerTestKit();
    kit.seed(namespaces, ns('default'), ns('shop'), ns('published'), ns('going', { metadata: { name: 'going', deletionTimestamp: '2024-05-01T09:00:00Z' }, status: { phase: 'Terminating' } }));
    kit.seed(configmaps, rootCAConfigMap('published'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: 'b' } } as ConfigMap);
    controller = new RootCACertPublisher(contextFrom(kit, rootCA));
    await kit.start();
  });
  afterEach(() => kit.stop());

  it('creates kube-root-ca.crt with the CA and the description in each active namespace lacking it', async () => {
    await drain(controller);
    expect(kit.writes()).toEqual(['create configmaps', 'create configmaps']);
    for (const name of ['default', 'shop']) {
      const cm = stored(kit, name);
      expect(cm?.data).toEqual({ 'ca.crt': rootCA });
      expect(cm?.metadata.annotations).toEqual({ 'kubernetes.io/description': rootCADescription });
    }
    expect(rootCADescription).toMatch(/^Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints/);
  });

  it('makes nothing in a terminating namespace', async () => {
    await drain(controller);
    expect(stored(kit, 'going')).toBeUndefined();
    expect(kit.writeActions().map((a) => a.namespace)).not.toContain('going');
  });

  it('writes nothing where the ConfigMap is already right', async () => {
    await controller.reconcile('published');
    expect(kit.writes()).toEqual([]);
  });

  it('restores the data after someone edits it, keeping their other metadata', async () => {
    await drain(controller);
    kit.client.clearActions();
    const edited = { ...stored(kit, 'shop')!, data: { 'ca.crt': 'not a CA', extra: 'x' } };
    edited.metadata = { ...edited.metadata, labels: { team: 'shop' } };
    await kit.client.update(configmaps, edited);
    await kit.settle();
    await drain(controller);
    expect(kit.writes()).toEqual(['update configmaps', 'update configmaps']);
    expect(stored(kit, 'shop')?.data).toEqual({ 'ca.crt': rootCA });
    expect(stored(kit, 'shop')?.metadata.labels).toEqual({ team: 'shop' });
  });

  it('puts the description back when only the annotation was removed', async () => {
    const bare = { ...stored(kit, 'published')!, metadata: { ...stored(kit, 'published')!.metadata, annotations: {} } };
    await kit.client.update(configmaps, bare);
    await kit.settle();
    kit.client.clearActions();
    await controller.reconcile('published');
    expect(kit.writes()).toEqual(['update configmaps']);
    expect(stored(kit, 'published')?.metadata.annotations?.[descriptionAnnotation]).toBe(rootCADescription);
  });

  it('recreates the ConfigMap when it is deleted', async () => {
    await drain(controller);
    kit.client.clearActions();
    await kit.client.delete(configmaps, 'published', rootCAConfigMapName);
    await kit.settle();
    await drain(controller);
    expect(kit.writes()).toEqual(['delete configmaps', 'create configmaps']);
    expect(stored(kit, 'published')?.data).toEqual({ 'ca.crt': rootCA });
  });

  it('ignores other ConfigMaps changing', async () => {
    await drain(controller);
    await kit.client.delete(configmaps, 'shop', 'settings');
    await kit.settle();
    expect(controller.queue.len()).toBe(0);
  });

  it('publishes into a namespace created later', async () => {
    await drain(controller);
    await kit.client.create(namespaces, undefined, ns('late'));
    await kit.settle();
    await drain(controller);
    expect(stored(kit, 'late')?.data).toEqual({ 'ca.crt': rootCA });
  });

  it('takes the namespace starting to terminate as nothing to do, but retries other refusals', async () => {
    const refusal = (message: string) => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', message, code: 403 });
    kit.client.failOn('create', 'configmaps', refusal('configmaps "kube-root-ca.crt" is forbidden: unable to create new content in namespace shop because it is being terminated'), 1);
    await expect(controller.reconcile('shop')).resolves.toBeUndefined();
    kit.client.failOn('create', 'configmaps', refusal('configmaps is forbidden: User "x" cannot create resource "configmaps"'), 1);
    await expect(controller.reconcile('shop')).rejects.toThrow('cannot create');
  });

  it('retries after a failed update, once the backoff has passed', async () => {
    const edited = { ...stored(kit, 'published')!, data: { 'ca.crt': 'stale' } };
    await kit.client.update(configmaps, edited);
    await kit.settle();
    kit.client.failOn('update', 'configmaps', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', message: 'the object has been modified', code: 409 }), 1);
    await drain(controller);
    expect(controller.queue.numRequeues('published')).toBe(1);
    await kit.clock.advance(10);
    await drain(controller);
    expect(stored(kit, 'published')?.data).toEqual({ 'ca.crt': rootCA });
  });

  it('refuses to be built without a root CA', () => {
    expect(() => new RootCACertPublisher(contextFrom(new ControllerTestKit(), undefined))).toThrow('--root-ca-file');
  });
});
