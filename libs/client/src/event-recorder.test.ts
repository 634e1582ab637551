import type { Event, KObject, ResourceType } from '@skiff/api';
import { notFoundError } from './api-error';
import type { Clock, TimerHandle } from './clock';
import { EventRecorder } from './event-recorder';
import type { KubeClient, PatchType } from './kube-client';

/** Only now() matters to the recorder; time moves when the test sets it. */
class FakeClock implements Clock {
  t = Date.parse('2024-05-01T10:00:00Z');
  now() {
    return this.t;
  }
  setTimer(): TimerHandle {
    throw new Error('the recorder should not set timers');
  }
  clearTimer() {}
}

/** Records event writes; Events live in a map so patches can fail for unknown names like the apiserver's. */
class FakeEventClient implements KubeClient {
  readonly calls: { verb: string; namespace?: string; name?: string; body: unknown; patchType?: PatchType; resource: string }[] = [];
  readonly events = new Map<string, Event>();
  failCreates = 0;

  async create<T extends KObject>(t: ResourceType, namespace: string | undefined, obj: T): Promise<T> {
    this.calls.push({ verb: 'create', namespace, name: obj.metadata.name, body: obj, resource: t.resource });
    if (this.failCreates > 0) {
      this.failCreates--;
      throw new Error('connection refused');
    }
    this.events.set(`${namespace}/${obj.metadata.name}`, obj as unknown as Event);
    return obj;
  }
  async patch<T extends KObject>(t: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown): Promise<T> {
    this.calls.push({ verb: 'patch', namespace, name, body: patch, patchType, resource: t.resource });
    const ev = this.events.get(`${namespace}/${name}`);
    if (!ev) throw notFoundError({ resource: 'events' }, name);
    Object.assign(ev, patch);
    return ev as unknown as T;
  }
  get(): never {
    throw new Error('not used');
  }
  list(): never {
    throw new Error('not used');
  }
  watch(): never {
    throw new Error('not used');
  }
  update(): never {
    throw new Error('not used');
  }
  delete(): never {
    throw new Error('not used');
  }
  deleteCollection(): never {
    throw new Error('not used');
  }
}

const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-1', resourceVersion: '42' } };
const node: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'uid-n' } };

describe('EventRecorder', () => {
  let clock: FakeClock;
  let client: FakeEventClient;
  let recorder: EventRecorder;
  beforeEach(() => {
    clock = new FakeClock();
    client = new FakeEventClient();
    recorder = new EventRecorder(client, { component: 'scheduler', host: 'cp-1' }, clock);
  });

  it('creates a core/v1 Event describing the object', async () => {
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to node-1');
    expect(client.calls).toHaveLength(0); // written in the background
    await recorder.flush();
    expect(client.calls).toHaveLength(1);
    const { namespace, name, body, resource } = client.calls[0];
    expect(resource).toBe('events');
    expect(namespace).toBe('shop');
    expect(name).toMatch(/^web-1\.[0-9a-f]{16}$/);
    expect(body).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'shop' },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '42' },
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web-1 to node-1',
      source: { component: 'scheduler', host: 'cp-1' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:00Z',
      count: 1,
      type: 'Normal',
      reportingComponent: 'scheduler',
      reportingInstance: 'cp-1',
    });
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    recorder.event(node, 'Warning', 'NodeNotReady', 'Node node-1 status is now: NodeNotReady');
    await recorder.flush();
    expect(client.calls[0].namespace).toBe('default');
    expect((client.calls[0].body as Event).involvedObject).toEqual({ kind: 'Node', name: 'node-1', uid: 'uid-n', apiVersion: 'v1' });
  });

  it('aggregates an identical event into a merge patch of count and lastTimestamp', async () => {
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    clock.t += 30_000;
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'patch']);
    expect(client.calls[1]).toMatchObject({ name: client.calls[0].name, namespace: 'shop', patchType: 'merge', body: { count: 2, lastTimestamp: '2024-05-01T10:00:30Z' } });
    const stored = client.events.get(`shop/${client.calls[0].name}`)!;
    expect(stored).toMatchObject({ count: 2, firstTimestamp: '2024-05-01T10:00:00Z', lastTimestamp: '2024-05-01T10:00:30Z' });
  });

  it('does not aggregate events that differ, or that come after the 10-minute window', async () => {
    recorder.event(pod, 'Warning', 'BackOff', 'one');
    recorder.event(pod, 'Warning', 'BackOff', 'two');
    recorder.event(pod, 'Normal', 'BackOff', 'one');
    clock.t += 10 * 60 * 1000 + 1;
    recorder.event(pod, 'Warning', 'BackOff', 'one');
    await recorder.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'create', 'create', 'create']);
    expect(new Set(client.calls.map((c) => c.name)).size).toBe(4);
  });

  it('never throws into the caller; a failed create is followed by a fresh create with the running count', async () => {
    client.failCreates = 1;
    expect(() => recorder.event(pod, 'Normal', 'Pulled', 'image pulled')).not.toThrow();
    await recorder.flush();
    recorder.event(pod, 'Normal', 'Pulled', 'image pulled');
    await recorder.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'patch', 'create']);
    expect(client.calls[2].body).toMatchObject({ count: 2, firstTimestamp: '2024-05-01T10:00:00Z' });
  });
});
