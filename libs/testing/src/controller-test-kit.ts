import { events as eventType, type KObject, type ResourceType } from '@skiff/api';
import { EventRecorder, FakeClock, flushPromises, InformerFactory } from '@skiff/client';
import { FakeKubeClient } from './fake-client';

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  /** `kind/name` of the object the event is about. */
  object: string;
  count: number;
}

/**
 * Everything a controller unit test needs: a fake client preloaded with fixture objects, real informers over it,
 * an event recorder, and a fake clock that is the only source of time. Build the controller from `client`,
 * `informers`, `recorder` and `clock`, call `start()`, drive `reconcile(key)`, then assert `writes()` and `events()`.
 */
export class ControllerTestKit {
  readonly clock: FakeClock;
  readonly client: FakeKubeClient;
  readonly informers: InformerFactory;
  readonly recorder: EventRecorder;

  constructor(opts: { now?: string; component?: string } = {}) {
    this.clock = new FakeClock(Date.parse(opts.now ?? '2024-05-01T10:00:00Z'));
    this.client = new FakeKubeClient(this.clock);
    this.informers = new InformerFactory(this.client, { clock: this.clock });
    this.recorder = new EventRecorder(this.client, { component: opts.component ?? 'test-controller' }, this.clock);
  }

  /** Preloads fixture objects; no actions are recorded for them. */
  seed(type: ResourceType<any>, ...objects: KObject[]): this {
    this.client.seed(type, ...objects);
    return this;
  }

  /** Starts the informers the controller asked for and waits until they hold the fixtures; then clears actions. */
  async start(): Promise<void> {
    this.informers.start();
    await this.settle();
    await this.informers.waitForSync();
    this.client.clearActions();
  }

  /** Lets queued promise work (informer deliveries, event writes) finish without moving time. */
  async settle(): Promise<void> {
    await flushPromises(10);
    await this.recorder.flush();
  }

  /** The writes made so far, as `verb resource[/subresource]` (events left out; see `events()`). */
  writes(): string[] {
    return this.client.actions.filter((a) => !['get', 'list', 'watch'].includes(a.verb) && a.resource !== 'events').map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`);
  }

  /** The actions with their bodies, for detailed assertions; events left out. */
  writeActions() {
    return this.client.actions.filter((a) => !['get', 'list', 'watch'].includes(a.verb) && a.resource !== 'events');
  }

  /** Events emitted through `recorder`, oldest first, as the fake store holds them. */
  async events(): Promise<RecordedEvent[]> {
    await this.recorder.flush();
    return this.client.tracker.list(eventType, undefined).map((e) => {
      const ev = e as KObject & { type?: string; reason?: string; message?: string; count?: number; involvedObject?: { kind?: string; name?: string } };
      return { type: ev.type ?? '', reason: ev.reason ?? '', message: ev.message ?? '', object: `${ev.involvedObject?.kind}/${ev.involvedObject?.name}`, count: ev.count ?? 1 };
    });
  }

  stop(): void {
    this.informers.stop();
  }
}
