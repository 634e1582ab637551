import { randomUUID } from 'node:crypto';
import { formatTime, type KObject, type ResourceType, type WatchEvent } from '@skiff/api';

/** Where a fake object lives: one map per resource type, keyed `namespace/name` (or `name`). */
export function trackerKey(type: ResourceType<any>): string {
  return `${type.group}/${type.version}/${type.resource}`;
}

export function objectKeyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

type Listener = (type: ResourceType<any>, event: WatchEvent<KObject>) => void;

/**
 * The fake client's in-memory store: objects by type, a resourceVersion counter, and listeners for watches.
 * Objects are stored and handed out as deep copies, so a controller can never change the store by mutating
 * what it read.
 */
export class ObjectTracker {
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly listeners = new Set<Listener>();
  /** Recent events, so a watch from a list's resourceVersion misses nothing that happened in between. */
  private readonly history: { type: ResourceType<any>; event: WatchEvent<KObject>; rv: number }[] = [];
  private rv = 0;

  constructor(private readonly now: () => number) {}

  get resourceVersion(): number {
    return this.rv;
  }

  private bucket(type: ResourceType<any>): Map<string, KObject> {
    const k = trackerKey(type);
    let m = this.objects.get(k);
    if (!m) {
      m = new Map();
      this.objects.set(k, m);
    }
    return m;
  }

  get(type: ResourceType<any>, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.bucket(type).get(objectKeyOf(type.namespaced ? namespace : undefined, name));
    return o && structuredClone(o);
  }

  list(type: ResourceType<any>, namespace: string | undefined): KObject[] {
    return [...this.bucket(type).values()]
      .filter((o) => !type.namespaced || !namespace || o.metadata.namespace === namespace)
      .sort((a, b) => objectKeyOf(a.metadata.namespace, a.metadata.name!).localeCompare(objectKeyOf(b.metadata.namespace, b.metadata.name!)))
      .map((o) => structuredClone(o));
  }

  /** Stores an object as the server would have it (uid, timestamps, resourceVersion filled when missing). */
  put(type: ResourceType<any>, obj: KObject, eventType: 'ADDED' | 'MODIFIED'): KObject {
    const stored = structuredClone(obj);
    stored.apiVersion ??= type.group ? `${type.group}/${type.version}` : type.version;
    stored.kind ??= type.kind;
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= formatTime(new Date(this.now()));
    stored.metadata.resourceVersion = String(++this.rv);
    this.bucket(type).set(objectKeyOf(type.namespaced ? stored.metadata.namespace : undefined, stored.metadata.name!), stored);
    this.emit(type, { type: eventType, object: structuredClone(stored) });
    return structuredClone(stored);
  }

  remove(type: ResourceType<any>, namespace: string | undefined, name: string): KObject | undefined {
    const key = objectKeyOf(type.namespaced ? namespace : undefined, name);
    const b = this.bucket(type);
    const old = b.get(key);
    if (!old) return undefined;
    b.delete(key);
    const last = structuredClone(old);
    last.metadata.resourceVersion = String(++this.rv);
    this.emit(type, { type: 'DELETED', object: structuredClone(last) });
    return last;
  }

  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Events after `rv`, oldest first. */
  eventsSince(rv: number): { type: ResourceType<any>; event: WatchEvent<KObject> }[] {
    return this.history.filter((h) => h.rv > rv).map((h) => ({ type: h.type, event: structuredClone(h.event) }));
  }

  private emit(type: ResourceType<any>, ev: WatchEvent<KObject>): void {
    this.history.push({ type, event: structuredClone(ev), rv: Number(ev.object.metadata.resourceVersion) });
    if (this.history.length > 10_000) this.history.shift();
    for (const l of this.listeners) l(type, ev);
  }
}
