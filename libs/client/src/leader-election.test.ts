import type { KObject, Lease, ResourceType } from '@skiff/api';
import { leases } from '@skiff/api';
import { ApiError, alreadyExistsError, conflictError, notFoundError } from './api-error';
import { FakeClock, flushPromises } from './fake-clock';
import type { KubeClient } from './kube-client';
import { LeaderElector, type LeaderCallbacks } from './leader-election';


const flush = () => flushPromises();
/** One Lease in memory with the apiserver's optimistic concurrency on resourceVersion. */
class FakeLeaseClient implements KubeClient {
  lease?: Lease;
  rv = 1;
  readonly calls: string[] = [];
  /** Runs between a caller's read and its write, to simulate a competitor slipping in. */
  beforeUpdate?: () => void;
  failWith?: ApiError;
  /** Requests never answer, as with an apiserver stuck on an unreachable etcd member. */
  hang = false;

  async get<T extends KObject>(_t: ResourceType, _ns: string | undefined, name: string): Promise<T> {
    this.calls.push('get');
    if (this.hang) await new Promise(() => undefined);
    if (this.failWith) throw this.failWith;
    if (!this.lease) throw notFoundError(leases, name);
    return structuredClone(this.lease) as unknown as T;
  }
  async create<T extends KObject>(_t: ResourceType, _ns: string | undefined, obj: T): Promise<T> {
    this.calls.push('create');
    if (this.lease) throw alreadyExistsError(leases, obj.metadata.name!);
    this.lease = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } } as Lease;
    return structuredClone(this.lease) as unknown as T;
  }
  async update<T extends KObject>(_t: ResourceType, obj: T): Promise<T> {
    this.calls.push('update');
    this.beforeUpdate?.();
    this.beforeUpdate = undefined;
    if (this.failWith) throw this.failWith;
    if (obj.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) {
      throw conflictError(leases, obj.metadata.name!, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    this.lease = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } } as unknown as Lease;
    return structuredClone(this.lease) as unknown as T;
  }
  /** Another candidate writes the lease directly. */
  writeAs(holder: string, renewTime: string, transitions = 0) {
    this.lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'sched', namespace: 'kube-system', resourceVersion: String(++this.rv) },
      spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: renewTime, renewTime, leaseTransitions: transitions },
    };
  }
  list(): never {
    throw new Error('not used');
  }
  watch(): never {
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

function callbacks() {
  const log: string[] = [];
  let signal: AbortSignal | undefined;
  const cb: LeaderCallbacks = {
    onStartedLeading: (s) => {
      signal = s;
      log.push('started');
    },
    onStoppedLeading: () => log.push('stopped'),
    onNewLeader: (id) => log.push(`leader ${id}`),
  };
  return { log, cb, signal: () => signal };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('LeaderElector', () => {
  let clock: FakeClock;
  let client: FakeLeaseClient;
  const electors: LeaderElector[] = [];
  beforeEach(() => {
    clock = new FakeClock();
    client = new FakeLeaseClient();
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterEach(async () => {
    for (const e of electors.splice(0)) {
      const stopping = e.stop();
      await clock.advance(10_000);
      await stopping;
    }
    jest.restoreAllMocks();
  });

  function elector(identity: string, cb: LeaderCallbacks, c: KubeClient = client) {
    const e = new LeaderElector(c, { namespace: 'kube-system', name: 'sched', identity, callbacks: cb, clock });
    electors.push(e);
    return e;
  }

  it('creates an absent lease and leads, with MicroTime stamps and no transitions', async () => {
    const me = callbacks();
    const e = elector('node-a', me.cb);
    e.start();
    await flush();
    expect(client.calls).toEqual(['get', 'create']);
    expect(e.isLeader()).toBe(true);
    expect(me.log).toEqual(['leader node-a', 'started']);
    expect(me.signal()?.aborted).toBe(false);
    expect(client.lease!.spec).toEqual({
      holderIdentity: 'node-a',
      leaseDurationSeconds: 15,
      acquireTime: '2024-05-01T10:00:00.000000Z',
      renewTime: '2024-05-01T10:00:00.000000Z',
      leaseTransitions: 0,
    });
  });

  it('renews every retry period, keeping acquireTime', async () => {
    const e = elector('node-a', callbacks().cb);
    e.start();
    await flush();
    await clock.advance(2000);
    expect(client.lease!.spec!.renewTime).toBe('2024-05-01T10:00:02.000000Z');
    expect(client.lease!.spec!.acquireTime).toBe('2024-05-01T10:00:00.000000Z');
    await clock.advance(2000);
    expect(client.lease!.spec!.renewTime).toBe('2024-05-01T10:00:04.000000Z');
    expect(e.isLeader()).toBe(true);
  });

  it('waits while another holder renews, and takes over once the lease has expired', async () => {
    client.writeAs('node-b', iso(clock.now()), 3);
    const me = callbacks();
    const e = elector('node-a', me.cb);
    e.start();
    await flush();
    expect(e.isLeader()).toBe(false);
    expect(me.log).toEqual(['leader node-b']);
    await clock.advance(14_000);
    expect(e.isLeader()).toBe(false);
    await clock.advance(2_000); // renewTime + 15 s is now in the past
    expect(e.isLeader()).toBe(true);
    expect(me.log).toEqual(['leader node-b', 'leader node-a', 'started']);
    expect(client.lease!.spec).toMatchObject({ holderIdentity: 'node-a', leaseTransitions: 4, acquireTime: '2024-05-01T10:00:16.000000Z' });
  });

  it('loses leadership at once when its renewal hits a 409 from a competitor', async () => {
    const me = callbacks();
    const e = elector('node-a', me.cb);
    e.start();
    await flush();
    const signal = me.signal()!;
    client.beforeUpdate = () => client.writeAs('node-b', iso(clock.now()));
    await clock.advance(2000);
    expect(client.calls.slice(-2)).toEqual(['get', 'update']);
    expect(e.isLeader()).toBe(false);
    expect(signal.aborted).toBe(true);
    expect(me.log).toEqual(['leader node-a', 'started', 'stopped']);
    expect(client.lease!.spec!.holderIdentity).toBe('node-b');
  });

  it('only one of two racing candidates wins the same lease', async () => {
    const a = callbacks();
    const b = callbacks();
    const ea = elector('node-a', a.cb);
    const eb = elector('node-b', b.cb);
    ea.start();
    eb.start();
    await flush();
    expect([ea.isLeader(), eb.isLeader()].filter(Boolean)).toHaveLength(1);
    await clock.advance(6000);
    expect([ea.isLeader(), eb.isLeader()].filter(Boolean)).toHaveLength(1);
  });

  it('gives up leadership when it cannot renew within the renew deadline', async () => {
    const me = callbacks();
    const e = elector('node-a', me.cb);
    e.start();
    await flush();
    client.failWith = new ApiError({ code: 500, reason: 'InternalError', message: 'etcd unavailable' });
    await clock.advance(8000);
    expect(e.isLeader()).toBe(true);
    await clock.advance(2000);
    expect(e.isLeader()).toBe(false);
    expect(me.log).toEqual(['leader node-a', 'started', 'stopped']);
  });

  it('gives up leadership at the renew deadline even when the renewal never answers', async () => {
    const me = callbacks();
    const e = elector('node-a', me.cb);
    e.start();
    await flush();
    await clock.advance(2000);
    // Last renewal at 2 s: the deadline is 12 s.
    client.hang = true;
    await clock.advance(9000);
    expect(e.isLeader()).toBe(true);
    await clock.advance(1000);
    expect(e.isLeader()).toBe(false);
    expect(me.signal()?.aborted).toBe(true);
    expect(me.log).toEqual(['leader node-a', 'started', 'stopped']);
  });

  it('releases the lease on stop so a successor need not wait for expiry', async () => {
    const a = callbacks();
    const ea = new LeaderElector(client, { namespace: 'kube-system', name: 'sched', identity: 'node-a', callbacks: a.cb, clock });
    ea.start();
    await flush();
    await ea.stop();
    expect(a.log).toEqual(['leader node-a', 'started', 'stopped']);
    expect(client.lease!.spec!.holderIdentity).toBe('');

    const b = callbacks();
    const eb = elector('node-b', b.cb);
    eb.start();
    await flush();
    expect(eb.isLeader()).toBe(true);
    expect(client.lease!.spec!.leaseTransitions).toBe(1);
  });
});
