import { events, formatTime, type Event, type KObject, type ObjectReference, type ResourceType } from '@skiff/api';
import { silentLogger, type Logger } from '@skiff/logging';
import { isNotFound } from './api-error';
import { realClock, type Clock } from './clock';
import type { KubeClient } from './kube-client';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventRecorderOptions {
  /** Where Events are written; core/v1 `events` unless a test or a newer API says otherwise. */
  eventType?: ResourceType<any>;
  logger?: Logger;
}

/** Identical events within this window are folded into one Event with a count. */
const aggregationWindowMs = 10 * 60 * 1000;
const maxRemembered = 4096;

interface Remembered {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

/**
 * Records core/v1 Events about objects, as client-go's recorder does: `event()` returns at once and the write
 * happens in the background (failures are logged, never thrown); an event identical to one recorded in the last
 * ten minutes bumps that Event's count and lastTimestamp with a merge patch instead of creating another.
 */
export class EventRecorder {
  private readonly recent = new Map<string, Remembered>();
  private writes: Promise<void> = Promise.resolve();
  private sequence = 0;
  private readonly eventType: ResourceType<any>;
  private readonly logger: Logger;

  constructor(
    private readonly client: KubeClient,
    private readonly source: EventSource,
    private readonly clock: Clock = realClock,
    opts: EventRecorderOptions = {},
  ) {
    this.eventType = opts.eventType ?? events;
    this.logger = opts.logger ?? silentLogger();
  }

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    const involved = referenceTo(obj);
    const key = JSON.stringify([involved.kind, involved.apiVersion, involved.namespace, involved.name, involved.uid, type, reason, message, this.source.component, this.source.host ?? '']);
    const nowMs = this.clock.now();
    const now = formatTime(new Date(nowMs));
    const prior = this.recent.get(key);
    if (prior && nowMs - prior.lastSeenMs <= aggregationWindowMs) {
      prior.count++;
      prior.lastSeenMs = nowMs;
      this.touch(key, prior);
      const count = prior.count;
      this.enqueue(() => this.bump(prior, count, now, involved, type, reason, message));
      return;
    }
    const namespace = obj.metadata.namespace || 'default';
    const remembered: Remembered = { name: this.eventName(involved.name ?? 'unknown', nowMs), namespace, count: 1, firstTimestamp: now, lastSeenMs: nowMs };
    this.touch(key, remembered);
    const ev = this.build(remembered, 1, now, involved, type, reason, message);
    this.enqueue(() => this.client.create(this.eventType, namespace, ev).then(() => undefined));
  }

  /** Resolves when every write requested so far has finished (successfully or not). */
  flush(): Promise<void> {
    return this.writes;
  }

  private async bump(r: Remembered, count: number, now: string, involved: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    try {
      await this.client.patch(this.eventType, r.namespace, r.name, 'merge', { count, lastTimestamp: now });
    } catch (err) {
      // The first write failed or the Event expired: write it anew with the running count.
      if (!isNotFound(err)) throw err;
      await this.client.create(this.eventType, r.namespace, this.build(r, count, now, involved, type, reason, message));
    }
  }

  private build(r: Remembered, count: number, now: string, involved: ObjectReference, type: EventType, reason: string, message: string): Event {
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: r.name, namespace: r.namespace },
      involvedObject: involved,
      reason,
      message,
      source: this.source.host ? { component: this.source.component, host: this.source.host } : { component: this.source.component },
      firstTimestamp: r.firstTimestamp,
      lastTimestamp: now,
      count,
      type,
      reportingComponent: this.source.component,
      ...(this.source.host ? { reportingInstance: this.source.host } : {}),
    };
  }

  /** `<name>.<16 hex digits>`: the time in nanoseconds like client-go, with a sequence in the sub-millisecond part. */
  private eventName(objectName: string, nowMs: number): string {
    const nanos = BigInt(Math.floor(nowMs)) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    return `${objectName}.${nanos.toString(16).padStart(16, '0').slice(-16)}`;
  }

  /** Keeps the most recently used entries, dropping the oldest beyond the cap. */
  private touch(key: string, r: Remembered): void {
    this.recent.delete(key);
    this.recent.set(key, r);
    if (this.recent.size > maxRemembered) this.recent.delete(this.recent.keys().next().value!);
  }

  private enqueue(write: () => Promise<void>): void {
    // Writes run one after another so a count bump never overtakes the create it refers to.
    this.writes = this.writes.then(write).catch((err) => {
      this.logger.warn('could not write event', { error: (err as Error).message });
    });
  }
}

function referenceTo(obj: KObject): ObjectReference {
  const ref: ObjectReference = {
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
  };
  for (const k of Object.keys(ref) as (keyof ObjectReference)[]) if (ref[k] === undefined) delete ref[k];
  return ref;
}
