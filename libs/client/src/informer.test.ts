import type { KList, KObject, ResourceType, WatchEvent } from '@skiff/api';
import { goneError } from './api-error';
import { FakeClock, flushPromises } from './fake-clock';
import { podsByNodeName } from './indexer';
import { Informer } from './informer';
import { InformerFactory } from './informer-factory';
import type { KubeClient, ListOptions, WatchOptions } from './kube-client';
import { WatchChannel } from './watch-channel';


const flush = () => flushPromises();
const pods = { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true } as ResourceType;
const nodes = { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false } as ResourceType;

/** An apiserver in memory: list returns the current objects, watches are channels the test feeds. */
class FakeListWatchClient implements KubeClient {
  readonly objects = new Map<string, KObject>();
  rv = 100;
  readonly lists: ListOptions[] = [];
  readonly watches: { opts: WatchOptions; channel: WatchChannel<KObject> }[] = [];
  readonly listFailures: Error[] = [];

  /** Stores an object at a new resourceVersion and returns it as a watch would carry it. */
  put(ns: string | undefined, name: string, extra: Partial<KObject> = {}): KObject {
    const obj: KObject = { apiVersion: 'v1', kind: 'Pod', ...extra, metadata: { name, ...(ns ? { namespace: ns } : {}), ...extra.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(ns ? `${ns}/${name}` : name, obj);
    return obj;
  }
  remove(ns: string, name: string): KObject {
    const obj = this.objects.get(`${ns}/${name}`)!;
    this.objects.delete(`${ns}/${name}`);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
  }
  get currentWatch() {
    return this.watches[this.watches.length - 1];
  }
  send(event: WatchEvent<KObject>) {
    this.currentWatch.channel.push(event);
  }

  async list<T extends KObject>(_t: ResourceType, _ns: string | undefined, opts: ListOptions = {}): Promise<KList<T>> {
    this.lists.push(opts);
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    // Like the apiserver, list items carry no apiVersion/kind.
    const items = [...this.objects.values()].map(({ apiVersion: _a, kind: _k, ...rest }) => rest as T);
    return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(this.rv) }, items };
  }
  watch<T extends KObject>(_t: ResourceType, _ns: string | undefined, opts: WatchOptions) {
    const channel = new WatchChannel<KObject>();
    this.watches.push({ opts, channel });
    return channel as unknown as WatchChannel<T>;
  }
  get(): never {
    throw new Error('not used');
  }
  create(): never {
    throw new Error('not used');
  }
  update(): never {
    throw new Error('not used');
  }
  patch(): never {
    throw new Error('not used');
  }
  delete(): never {
    throw new Error('not used');
  }
  deleteCollection(): never {
    throw new Error('not used');
  }
}

function recorder() {
  const log: string[] = [];
  return {
    log,
    handlers: {
      onAdd: (o: KObject) => log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
      onUpdate: (a: KObject, b: KObject) => log.push(`update ${b.metadata.name}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
      onDelete: (o: KObject) => log.push(`delete ${o.metadata.name}`),
    },
  };
}

describe('Informer', () => {
  let clock: FakeClock;
  let server: FakeListWatchClient;
  let informer: Informer;
  beforeEach(() => {
    clock = new FakeClock(1_000_000);
    server = new FakeListWatchClient();
  });
  afterEach(() => {
    informer?.stop();
    jest.restoreAllMocks();
  });

  async function started(opts: ConstructorParameters<typeof Informer>[2] = {}) {
    informer = new Informer(server, pods, { clock, ...opts });
    const rec = recorder();
    informer.addEventHandler(rec.handlers);
    informer.start();
    await flush();
    return rec;
  }

  it('lists, delivers onAdd for each object, syncs, then watches from the list resourceVersion', async () => {
    server.put('default', 'a');
    server.put('default', 'b');
    const rec = await started();
    expect(rec.log).toEqual(['add a@101', 'add b@102']);
    expect(informer.hasSynced()).toBe(true);
    expect(await informer.waitForSync()).toBe(true);
    expect(informer.lister.get('default', 'a')).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
    expect(server.watches).toHaveLength(1);
    const w = server.watches[0].opts;
    expect(w).toMatchObject({ resourceVersion: '102', allowWatchBookmarks: true });
    expect(w.timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(w.timeoutSeconds).toBeLessThanOrEqual(600);
  });

  it('turns watch events into handler calls and keeps the cache current', async () => {
    server.put('default', 'a');
    const rec = await started();
    server.send({ type: 'ADDED', object: server.put('default', 'b') });
    server.send({ type: 'MODIFIED', object: server.put('default', 'a', { spec: { x: 1 } }) });
    server.send({ type: 'DELETED', object: server.remove('default', 'b') });
    server.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '200' } } });
    await flush();
    expect(rec.log).toEqual(['add a@101', 'add b@102', 'update a@101->103', 'delete b']);
    expect(informer.lister.list().map((o) => o.metadata.name)).toEqual(['a']);
    expect(informer.lister.get('default', 'a')?.spec).toEqual({ x: 1 });
    expect(informer.lastSyncResourceVersion()).toBe('200');
  });

  it('re-watches from the last resourceVersion seen when the server ends a watch, without relisting', async () => {
    await started();
    server.send({ type: 'ADDED', object: server.put('default', 'a') });
    server.currentWatch.channel.end();
    await flush();
    expect(server.lists).toHaveLength(1);
    expect(server.watches).toHaveLength(2);
    expect(server.watches[1].opts.resourceVersion).toBe('101');
  });

  it('relists on a 410 ERROR event and converges: vanished objects deleted, new ones added, others updated', async () => {
    server.put('default', 'a');
    server.put('default', 'b');
    const rec = await started();
    // While the watch was falling behind: a deleted, b changed, c created.
    server.remove('default', 'a');
    server.put('default', 'b', { spec: { v: 2 } });
    server.put('default', 'c');
    server.send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as unknown as KObject });
    await flush();
    expect(server.lists).toHaveLength(2);
    expect(rec.log.slice(2)).toEqual(['update b@102->104', 'add c@105', 'delete a']);
    expect(informer.lister.list().map((o) => o.metadata.name).sort()).toEqual(['b', 'c']);
    expect(server.currentWatch.opts.resourceVersion).toBe('105');
  });

  it('relists when the watch request itself answers 410 Gone', async () => {
    await started();
    server.currentWatch.channel.fail(goneError('too old resource version: 1 (2)'));
    await flush();
    expect(server.lists).toHaveLength(2);
    expect(server.watches).toHaveLength(2);
  });

  it('backs off with a growing delay while the server is unreachable, then converges', async () => {
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    server.listFailures.push(refused(), refused(), refused());
    server.put('default', 'a');
    jest.spyOn(Math, 'random').mockReturnValue(0); // no jitter: delays of exactly 1 s, 2 s, then the 3 s cap
    const rec = await started({ initialBackoffMs: 1000, maxBackoffMs: 3000 });
    const listsAfter = async (ms: number) => {
      await clock.advance(ms);
      return server.lists.length;
    };
    expect(server.lists).toHaveLength(1);
    expect(await listsAfter(999)).toBe(1);
    expect(await listsAfter(1)).toBe(2);
    expect(await listsAfter(1999)).toBe(2);
    expect(await listsAfter(1)).toBe(3);
    expect(await listsAfter(2999)).toBe(3);
    expect(await listsAfter(1)).toBe(4);
    expect(informer.hasSynced()).toBe(true);
    expect(rec.log).toEqual(['add a@101']);
  });

  it('treats a watch that ends at once without events as a failure and waits before watching again', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    await started({ initialBackoffMs: 500 });
    server.currentWatch.channel.end();
    await clock.advance(499);
    expect(server.watches).toHaveLength(1);
    await clock.advance(1);
    expect(server.watches).toHaveLength(2);
    expect(server.lists).toHaveLength(1);
  });

  it('re-watches from the same resourceVersion after a dropped connection', async () => {
    await started({ initialBackoffMs: 100 });
    server.send({ type: 'ADDED', object: server.put('default', 'a') });
    await flush();
    server.currentWatch.channel.fail(new Error('socket hang up'));
    await clock.advance(200);
    expect(server.lists).toHaveLength(1);
    expect(server.watches).toHaveLength(2);
    expect(server.currentWatch.opts.resourceVersion).toBe('101');
  });

  it('redelivers onUpdate for every object each resync period, with the same resourceVersion', async () => {
    server.put('default', 'a');
    server.put('default', 'b');
    const rec = await started({ resyncPeriodMs: 30_000 });
    await clock.advance(29_999);
    expect(rec.log).toEqual(['add a@101', 'add b@102']);
    await clock.advance(1);
    expect(rec.log.slice(2)).toEqual(['update a@101->101', 'update b@102->102']);
    await clock.advance(30_000);
    expect(rec.log).toHaveLength(6);
  });

  it('gives a late handler onAdd for the cached objects; a throwing handler does not stop the others', async () => {
    server.put('default', 'a');
    await started();
    informer.addEventHandler({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    const late = recorder();
    informer.addEventHandler(late.handlers);
    expect(late.log).toEqual(['add a@101']);
    server.send({ type: 'ADDED', object: server.put('default', 'b') });
    await flush();
    expect(late.log).toEqual(['add a@101', 'add b@102']);
  });

  it('stops watching and delivering on stop', async () => {
    const rec = await started();
    const channel = server.currentWatch.channel;
    informer.stop();
    expect(channel.isClosed).toBe(true);
    channel.push({ type: 'ADDED', object: server.put('default', 'z') });
    await clock.advance(60_000);
    expect(rec.log).toEqual([]);
    expect(server.watches).toHaveLength(1);
  });

  it('waitForSync resolves false when stopped or aborted before syncing', async () => {
    server.listFailures.push(new Error('down'));
    informer = new Informer(server, pods, { clock });
    informer.start();
    const abort = new AbortController();
    const aborted = informer.waitForSync(abort.signal);
    const stopped = informer.waitForSync();
    abort.abort();
    expect(await aborted).toBe(false);
    informer.stop();
    expect(await stopped).toBe(false);
  });
});

describe('Lister and indexes', () => {
  it('reads by namespace, labels, name and custom index', async () => {
    const server = new FakeListWatchClient();
    server.put('ns1', 'web-1', { metadata: { name: 'web-1', labels: { app: 'web' } }, spec: { nodeName: 'node-a' } });
    server.put('ns1', 'db-1', { metadata: { name: 'db-1', labels: { app: 'db' } }, spec: { nodeName: 'node-b' } });
    server.put('ns2', 'web-2', { metadata: { name: 'web-2', labels: { app: 'web' } }, spec: { nodeName: 'node-a' } });
    server.put('ns2', 'pending', { metadata: { name: 'pending' }, spec: {} });
    const informer = new Informer(server, pods, { clock: new FakeClock(1_000_000), indexers: { podsByNodeName } });
    informer.start();
    await informer.waitForSync();
    await flush();
    const web = { matches: (l: Record<string, string>) => l.app === 'web' };
    const names = (objs: KObject[]) => objs.map((o) => o.metadata.name).sort();
    expect(names(informer.lister.list(web))).toEqual(['web-1', 'web-2']);
    expect(names(informer.lister.listInNamespace('ns1'))).toEqual(['db-1', 'web-1']);
    expect(names(informer.lister.listInNamespace('ns2', web))).toEqual(['web-2']);
    expect(names(informer.lister.list('app in (web, db),app!=db'))).toEqual(['web-1', 'web-2']);
    expect(names(informer.lister.listInNamespace('ns1', 'app'))).toEqual(['db-1', 'web-1']);
    expect(names(informer.lister.byIndex('podsByNodeName', 'node-a'))).toEqual(['web-1', 'web-2']);
    expect(names(informer.lister.byIndex('podsByNodeName', ''))).toEqual(['pending']);
    expect(informer.lister.get('ns2', 'web-1')).toBeUndefined();

    // A pod moving node is re-filed.
    server.currentWatch.channel.push({ type: 'MODIFIED', object: server.put('ns1', 'web-1', { metadata: { name: 'web-1' }, spec: { nodeName: 'node-b' } }) });
    await flush();
    expect(names(informer.lister.byIndex('podsByNodeName', 'node-a'))).toEqual(['web-2']);
    expect(names(informer.lister.byIndex('podsByNodeName', 'node-b'))).toEqual(['db-1', 'web-1']);
    informer.stop();
  });

  it('keys cluster-scoped objects by name', async () => {
    const server = new FakeListWatchClient();
    server.put(undefined, 'node-1', { kind: 'Node' });
    const informer = new Informer(server, nodes, { clock: new FakeClock(1_000_000) });
    informer.start();
    await informer.waitForSync();
    expect(informer.indexer.listKeys()).toEqual(['node-1']);
    expect(informer.lister.get(undefined, 'node-1')?.kind).toBe('Node');
    expect(informer.lister.get('default', 'node-1')?.metadata.name).toBe('node-1');
    informer.stop();
  });
});

describe('InformerFactory', () => {
  it('shares one informer per resource type and starts late ones', async () => {
    const server = new FakeListWatchClient();
    const factory = new InformerFactory(server, { clock: new FakeClock(1_000_000) });
    const first = factory.forResource(pods);
    expect(factory.forResource(pods)).toBe(first);
    expect(factory.forResource(nodes)).not.toBe(first);
    factory.start();
    expect(await factory.waitForSync()).toBe(true);
    expect(server.lists).toHaveLength(2);
    const withIndex = factory.forResource(pods, { indexers: { podsByNodeName } });
    expect(withIndex).toBe(first);
    expect(first.indexer.hasIndex('podsByNodeName')).toBe(true);
    const late = factory.forResource({ ...pods, resource: 'configmaps', kind: 'ConfigMap' } as ResourceType);
    await flush();
    expect(late.hasSynced()).toBe(true);
    factory.stop();
    expect(server.watches.every((w) => w.channel.isClosed)).toBe(true);
  });
});
