import { applyPatch, type Operation } from 'fast-json-patch';
import {
  apiVersionOf,
  formatTime,
  parseFieldSelector,
  parseLabelSelector,
  strategicMergePatch,
  type DeleteOptions,
  type KList,
  type KObject,
  type ResourceType,
  type Status,
  type WatchEvent,
} from '@skiff/api';
import {
  alreadyExistsError,
  conflictError,
  notFoundError,
  realClock,
  WatchChannel,
  type Clock,
  type KubeClient,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type WatchOptions,
  type WatchStream,
  type WriteOptions,
} from '@skiff/client';
import { ObjectTracker } from './object-tracker';

export type ActionVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** One call the code under test made, as the fake client recorded it. */
export interface Action {
  verb: ActionVerb;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The object sent with create and update. */
  object?: KObject;
  patchType?: PatchType;
  patch?: unknown;
  deleteOptions?: DeleteOptions;
}

/** `verb resource[/subresource]`, the short form tests assert on: `create pods`, `patch replicasets/status`. */
export function describeAction(a: Action): string {
  return `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`;
}

type Reactor = { verb: ActionVerb | '*'; resource: string; remaining: number; react: (a: Action) => Error | undefined };

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A namespace with spec.finalizers stays Terminating until the namespace controller finalizes it, as on the apiserver. */
function heldBySpec(type: ResourceType<any>, obj: KObject): boolean {
  return type.group === '' && type.resource === 'namespaces' && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;
}

function fieldsOf(type: ResourceType<any>, obj: KObject): Record<string, string> {
  return { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '', ...(type.selectableFields?.(obj) ?? {}) };
}

/**
 * A KubeClient that keeps objects in memory and records every call, for controller unit tests. Real informers
 * run on it (list + watch work), writes behave like the apiserver's in the ways controllers depend on
 * (resourceVersion conflicts, generateName, finalizers, status subresources), and any call can be made to fail.
 */
export class FakeKubeClient implements KubeClient {
  readonly tracker: ObjectTracker;
  readonly actions: Action[] = [];
  private readonly reactors: Reactor[] = [];
  private generated = 0;

  constructor(private readonly clock: Clock = realClock) {
    this.tracker = new ObjectTracker(() => this.clock.now());
  }

  /** Preloads objects without recording actions (fixtures). */
  seed(type: ResourceType<any>, ...objects: KObject[]): void {
    for (const o of objects) this.tracker.put(type, o, 'ADDED');
  }

  /** Makes matching calls fail: `resource` '*' matches any; the reactor may return undefined to let a call through. */
  failOn(verb: ActionVerb | '*', resource: string, err: Error | ((a: Action) => Error | undefined), times = Infinity): void {
    this.reactors.push({ verb, resource, remaining: times, react: typeof err === 'function' ? err : () => err });
  }

  /** The recorded writes (get/list/watch left out) in the short form: `create pods`, `patch deployments/status`. */
  writes(): string[] {
    return this.actions.filter((a) => !['get', 'list', 'watch'].includes(a.verb)).map(describeAction);
  }

  clearActions(): void {
    this.actions.length = 0;
  }

  private record(a: Action): void {
    this.actions.push(a);
    for (const r of this.reactors) {
      if (r.remaining <= 0 || (r.verb !== '*' && r.verb !== a.verb) || (r.resource !== '*' && r.resource !== a.resource)) continue;
      const err = r.react(a);
      if (err) {
        r.remaining--;
        throw err;
      }
    }
  }

  private base(type: ResourceType<any>, verb: ActionVerb, namespace: string | undefined, name?: string, subresource?: string): Action {
    return { verb, group: type.group, resource: type.resource, namespace: type.namespaced ? namespace : undefined, name, ...(subresource ? { subresource } : {}) };
  }

  private required(type: ResourceType<any>, namespace: string | undefined, name: string): KObject {
    const o = this.tracker.get(type, namespace, name);
    if (!o) throw notFoundError(type, name);
    return o;
  }

  async get<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, opts: { subresource?: string } = {}): Promise<T> {
    this.record(this.base(type, 'get', namespace, name, opts.subresource));
    return this.required(type, namespace, name) as T;
  }

  private selected(type: ResourceType<any>, namespace: string | undefined, opts: ListOptions): KObject[] {
    const labels = parseLabelSelector(opts.labelSelector ?? '');
    const fields = parseFieldSelector(opts.fieldSelector ?? '');
    return this.tracker.list(type, namespace).filter((o) => labels.matches(o.metadata.labels ?? {}) && fields.matches(fieldsOf(type, o)));
  }

  async list<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, opts: ListOptions = {}): Promise<KList<T>> {
    this.record(this.base(type, 'list', namespace));
    return {
      apiVersion: apiVersionOf(type),
      kind: type.listKind,
      metadata: { resourceVersion: String(this.tracker.resourceVersion) },
      items: this.selected(type, namespace, opts) as T[],
    };
  }

  watch<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, opts: WatchOptions): WatchStream<T> {
    this.record(this.base(type, 'watch', namespace));
    const labels = parseLabelSelector(opts.labelSelector ?? '');
    const fields = parseFieldSelector(opts.fieldSelector ?? '');
    const matches = (o: KObject) =>
      (!type.namespaced || !namespace || o.metadata.namespace === namespace) && labels.matches(o.metadata.labels ?? {}) && fields.matches(fieldsOf(type, o));
    let unsubscribe = () => undefined as unknown;
    const channel = new WatchChannel<T>({ onStop: () => unsubscribe() });
    if (!opts.resourceVersion || opts.resourceVersion === '0') {
      for (const o of this.selected(type, namespace, opts)) channel.push({ type: 'ADDED', object: o as T });
    } else {
      for (const h of this.tracker.eventsSince(Number(opts.resourceVersion))) {
        if (h.type.group === type.group && h.type.resource === type.resource && matches(h.event.object)) channel.push(h.event as WatchEvent<T>);
      }
    }
    unsubscribe = this.tracker.onChange((t, ev: WatchEvent<KObject>) => {
      if (t.group === type.group && t.resource === type.resource && matches(ev.object)) channel.push(ev as WatchEvent<T>);
    });
    return channel;
  }

  async create<T extends KObject>(
    type: ResourceType<any>,
    namespace: string | undefined,
    obj: T,
    opts: WriteOptions & { subresource?: string; name?: string } = {},
  ): Promise<T> {
    const action = { ...this.base(type, 'create', namespace, opts.name ?? obj.metadata?.name, opts.subresource), object: structuredClone(obj) };
    this.record(action);
    if (opts.subresource) return this.createSubresource(type, namespace, opts.name!, opts.subresource, obj) as Promise<T>;
    const o = structuredClone(obj);
    o.metadata ??= {};
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${(++this.generated).toString(36).padStart(5, '0')}`;
    if (type.namespaced) o.metadata.namespace = namespace;
    action.name = o.metadata.name;
    if (this.tracker.get(type, namespace, o.metadata.name!)) throw alreadyExistsError(type, o.metadata.name!);
    if (type.tracksGeneration) o.metadata.generation = 1;
    if (opts.dryRun) return o;
    return this.tracker.put(type, o, 'ADDED') as T;
  }

  /** pods/binding sets the node; pods/eviction deletes the pod; anything else is only recorded. */
  private async createSubresource(type: ResourceType<any>, namespace: string | undefined, name: string, sub: string, body: KObject): Promise<KObject> {
    const current = this.required(type, namespace, name);
    if (sub === 'binding') {
      const target = (body as { target?: { name?: string } }).target?.name;
      const spec = (current.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) throw conflictError(type, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      current.spec = { ...spec, nodeName: target };
      this.tracker.put(type, current, 'MODIFIED');
    } else if (sub === 'eviction') {
      await this.removeOrFinalize(type, current, {});
    }
    return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success' } as unknown as KObject;
  }

  async update<T extends KObject>(type: ResourceType<any>, obj: T, opts: WriteOptions & { subresource?: string } = {}): Promise<T> {
    const namespace = obj.metadata.namespace;
    const name = obj.metadata.name!;
    this.record({ ...this.base(type, 'update', namespace, name, opts.subresource), object: structuredClone(obj) });
    return this.write(type, namespace, name, structuredClone(obj), opts.subresource, opts.dryRun) as Promise<T>;
  }

  async patch<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    this.record({ ...this.base(type, 'patch', namespace, name, opts.subresource), patchType, patch: structuredClone(patch) });
    const current = this.required(type, namespace, name);
    let next: KObject;
    if (patchType === 'json') next = applyPatch(structuredClone(current), patch as Operation[], false, false).newDocument;
    else if (patchType === 'strategic') next = strategicMergePatch(current, patch, type.schema) as KObject;
    else next = mergePatch(current, patch) as KObject;
    // A patch that does not name a resourceVersion must not be taken for a stale write.
    if (!(patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion) next.metadata.resourceVersion = current.metadata.resourceVersion;
    return this.write(type, namespace, name, next, opts.subresource, opts.dryRun) as Promise<T>;
  }

  private async write(type: ResourceType<any>, namespace: string | undefined, name: string, next: KObject, subresource?: string, dryRun?: boolean): Promise<KObject> {
    const current = this.required(type, namespace, name);
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflictError(type, name, 'the object has been modified; please apply your changes to the latest version and try again');
    let stored: KObject;
    if (subresource === 'status') {
      stored = { ...current, status: next.status };
    } else if (subresource === 'approval') {
      // CertificateSigningRequest approval changes only status.conditions.
      const conditions = (next.status as { conditions?: unknown[] } | undefined)?.conditions;
      stored = { ...current, status: { ...(current.status as object), conditions } };
    } else if (subresource === 'finalize') {
      stored = { ...current, spec: { ...(current.spec as object), finalizers: (next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } };
    } else {
      stored = { ...next, metadata: { ...next.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp } };
      if (type.hasStatusSubresource) stored.status = current.status;
      if (type.tracksGeneration) {
        const spec = (o: KObject) => JSON.stringify({ ...o, metadata: undefined, status: undefined });
        stored.metadata.generation = (current.metadata.generation ?? 1) + (spec(stored) !== spec(current) ? 1 : 0);
      }
    }
    if (dryRun) return stored;
    if (stored.metadata.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0 && !heldBySpec(type, stored)) {
      return this.tracker.remove(type, namespace, name)!;
    }
    return this.tracker.put(type, stored, 'MODIFIED');
  }

  async delete<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    this.record({ ...this.base(type, 'delete', namespace, name), deleteOptions: opts });
    const current = this.required(type, namespace, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== current.metadata.uid) throw conflictError(type, name, 'Precondition failed: UID mismatch');
    return this.removeOrFinalize(type, current, opts) as Promise<T>;
  }

  private async removeOrFinalize(type: ResourceType<any>, current: KObject, opts: DeleteOptions): Promise<KObject> {
    const finalizers = new Set(current.metadata.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
    if (finalizers.size === 0 && !heldBySpec(type, current)) return this.tracker.remove(type, current.metadata.namespace, current.metadata.name!)!;
    if (finalizers.size) current.metadata.finalizers = [...finalizers];
    if (heldBySpec(type, current)) current.status = { ...(current.status as object), phase: 'Terminating' };
    current.metadata.deletionTimestamp ??= formatTime(new Date(this.clock.now()));
    current.metadata.deletionGracePeriodSeconds ??= 0;
    return this.tracker.put(type, current, 'MODIFIED');
  }

  async deleteCollection(type: ResourceType<any>, namespace: string | undefined, opts: ListOptions = {}): Promise<void> {
    this.record(this.base(type, 'deletecollection', namespace));
    for (const o of this.selected(type, namespace, opts)) await this.removeOrFinalize(type, o, {});
  }
}
