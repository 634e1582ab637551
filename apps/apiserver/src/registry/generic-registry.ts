import {
  formatTime,
  schemaErrors,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type DeleteOptions,
  type FieldError,
  type KObject,
  type ResourceType,
} from '@skiff/api';
import type { AdmissionChain, UserInfo } from '../admission/admission';
import { badRequest, conflict, fromStorage, invalid, notFound, StatusError } from '../handlers/status-error';
import type { EtcdStore } from '../storage/etcd-store';
import { decodeStored, encodeForStorage, objectKey } from '../storage/keys';
import { isStorageError } from '../storage/storage-error';
import type { WatchCache } from '../storage/watch-cache';
import { recordUpdate, type FieldManagerRef } from './field-manager';
import type { LeaseReuse } from './lease-reuse';
import { deepClone, initObjectMeta, keepSystemMeta, randomSuffix, specPart } from './object-meta';
import type { ServerStrategy } from './server-strategy';

export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  /** Records the write in managedFields as this manager's Update; absent when the caller sets managedFields (apply). */
  fieldManager?: FieldManagerRef;
}

/** Turns the current object into the desired one; throwing aborts the update. */
export type UpdateFn = (current: KObject) => KObject | Promise<KObject>;

const maxUpdateAttempts = 8;

/**
 * Create, read, update and delete for any ResourceType on etcd, with Kubernetes' rules: server-owned metadata,
 * status carried across main-resource writes, defaulting, validation with field paths, admission,
 * compare-and-swap on the mod revision, graceful deletion and finalizers.
 */
export class GenericRegistry {
  constructor(
    readonly type: ResourceType,
    private readonly store: EtcdStore,
    readonly cache: WatchCache,
    private readonly admission: AdmissionChain,
    private readonly strategy: ServerStrategy = {},
    private readonly leases?: LeaseReuse,
  ) {}

  key(namespace: string | undefined, name: string): string {
    return objectKey(this.type, namespace, name);
  }

  /** Reads one object from etcd (a consistent read). */
  async get(namespace: string | undefined, name: string): Promise<KObject> {
    const found = await this.read(namespace, name);
    if (!found) throw notFound(this.type, name);
    return found.obj;
  }

  private async read(namespace: string | undefined, name: string): Promise<{ obj: KObject; modRevision: number; stale: boolean } | undefined> {
    let res;
    try {
      res = await this.store.get(this.key(namespace, name));
    } catch (e) {
      throw fromStorage(e, this.type, name);
    }
    if (!res.kv) return undefined;
    return { obj: decodeStored(res.kv.value, res.kv.modRevision), modRevision: res.kv.modRevision, stale: !!res.kv.stale };
  }

  private validate(obj: KObject, old?: KObject, subresource?: string): void {
    const t = this.type;
    const errs: FieldError[] = [
      ...validateObjectMeta(obj.metadata, t.namespaced, t.nameRule),
      ...schemaErrors(t.schema, obj),
      ...(t.validate?.(obj) ?? []),
    ];
    if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    // Subresources change what the main resource may not (binding sets spec.nodeName); they are checked by their handlers.
    if (old && !subresource) errs.push(...(t.validateUpdate?.(obj, old) ?? []));
    if (old && subresource) errs.push(...(t.validateSubresourceUpdate?.(subresource, obj, old) ?? []));
    if (errs.length) throw invalid(t.kind, t.group, obj.metadata.name ?? '', errs);
  }

  async create(namespace: string | undefined, input: KObject, ctx: WriteContext): Promise<KObject> {
    const t = this.type;
    input.metadata ??= {};
    if (input.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (t.namespaced) input.metadata.namespace = namespace;
    else delete input.metadata.namespace;
    const generated = !input.metadata.name && !!input.metadata.generateName;
    // Each attempt starts from what the client sent: a retry must not mistake our own allocations for its choices.
    const pristine = this.strategy.createExtras || generated ? deepClone(input) : input;
    for (let attempt = 0; ; attempt++) {
      const obj = attempt === 0 ? input : deepClone(pristine);
      if (generated) obj.metadata.name = obj.metadata.generateName + randomSuffix();
      initObjectMeta(obj, t.tracksGeneration);
      if (t.hasStatusSubresource) delete obj.status;
      this.strategy.prepareForCreate?.(obj, ctx.user);
      t.applyDefaults?.(obj);
      if (ctx.fieldManager) recordUpdate(t, obj, undefined, ctx.fieldManager);
      const req = { operation: 'CREATE' as const, type: t, namespace, name: obj.metadata.name ?? '', object: obj, user: ctx.user, dryRun: ctx.dryRun };
      await this.admission.mutate(req);
      this.validate(obj);
      await this.admission.validate(req);
      if (ctx.dryRun) return obj;
      const name = obj.metadata.name!;
      try {
        const { extras, retriable } = (await this.strategy.createExtras?.(obj)) ?? { extras: {}, retriable: false };
        const lease = this.strategy.ttlSeconds && this.leases ? await this.leases.leaseFor(this.strategy.ttlSeconds) : undefined;
        try {
          const key = this.key(namespace, name);
          const stored = encodeForStorage(obj);
          this.cache.expectWrite(key, stored, obj);
          let rev: number;
          try {
            rev = await this.store.create(key, stored, extras, lease);
          } catch (e) {
            this.cache.cancelWrite(key, obj);
            throw e;
          }
          obj.metadata.resourceVersion = String(rev);
          return obj;
        } catch (e) {
          if (isStorageError(e, 'Conflict') && retriable && attempt < maxUpdateAttempts) continue;
          if (isStorageError(e, 'AlreadyExists') && generated && attempt < maxUpdateAttempts) continue;
          throw e;
        }
      } catch (e) {
        if (isStorageError(e, 'Conflict')) throw new StatusError(409, 'Conflict', `${t.resource} "${name}": a resource it needs was allocated concurrently; please retry`);
        throw fromStorage(e, t, name);
      }
    }
  }

  /**
   * Reads, applies `update`, validates and writes with compare-and-swap, retrying on conflicts unless the
   * caller pinned a resourceVersion (then a stale one is a 409, as in Kubernetes).
   */
  async update(
    namespace: string | undefined,
    name: string,
    update: UpdateFn,
    ctx: WriteContext,
    opts: { subresource?: string; preconditionRv?: string; isPatch?: boolean } = {},
  ): Promise<KObject> {
    const t = this.type;
    for (let attempt = 0; ; attempt++) {
      const found = await this.read(namespace, name);
      if (!found) throw notFound(t, name);
      const old = found.obj;
      const desired = await update(deepClone(old));
      desired.metadata ??= {};
      // A PUT pins the version its body carries; a patch pins one only when it sets metadata.resourceVersion.
      const bodyRv = desired.metadata.resourceVersion;
      const pinnedRv = opts.preconditionRv ?? (opts.isPatch && bodyRv === old.metadata.resourceVersion ? undefined : bodyRv);
      if (pinnedRv && pinnedRv !== old.metadata.resourceVersion) throw conflict(t, name);
      const next = this.prepareUpdate(desired, old, opts.subresource);
      if (ctx.fieldManager) recordUpdate(t, next, old, { subresource: opts.subresource, ...ctx.fieldManager });
      const req = { operation: 'UPDATE' as const, type: t, subresource: opts.subresource, namespace, name, object: next, oldObject: old, user: ctx.user, dryRun: ctx.dryRun };
      await this.admission.mutate(req);
      this.validate(next, old, opts.subresource);
      await this.admission.validate(req);
      next.metadata.resourceVersion = old.metadata.resourceVersion;
      try {
        const { extras } = ctx.dryRun ? { extras: {} } : ((await this.strategy.updateExtras?.(next, old)) ?? { extras: {} });
        const encoded = encodeForStorage(next);
        // A write that changes nothing keeps the resourceVersion: kubectl reports "(no change)". A value stored with
        // an old encryption key is written anyway, which is how `kubectl replace` moves Secrets to a new key.
        if (encoded === encodeForStorage(old) && !found.stale) return old;
        if (ctx.dryRun) return next;
        if (this.finalizedAway(next)) return await this.remove(namespace, name, next, found.modRevision);
        const key = this.key(namespace, name);
        this.cache.expectWrite(key, encoded, next);
        let rev: number;
        try {
          rev = await this.store.update(key, encoded, found.modRevision, extras);
        } catch (e) {
          this.cache.cancelWrite(key, next);
          throw e;
        }
        next.metadata.resourceVersion = String(rev);
        return next;
      } catch (e) {
        if (isStorageError(e, 'Conflict') && !pinnedRv && attempt < maxUpdateAttempts) continue;
        throw fromStorage(e, t, name);
      }
    }
  }

  private prepareUpdate(desired: KObject, old: KObject, subresource?: string): KObject {
    const t = this.type;
    desired.apiVersion = old.apiVersion;
    desired.kind = old.kind;
    const prepared = subresource ? this.strategy.prepareForSubresourceUpdate?.(subresource, desired, old) : undefined;
    if (prepared) return prepared;
    if (subresource === 'status') {
      // Writes to /status change only status.
      const next = deepClone(old);
      if (desired.status === undefined) delete next.status;
      else next.status = desired.status;
      return next;
    }
    if (subresource === 'binding') {
      keepSystemMeta(desired, old);
      return desired;
    }
    if (subresource === 'finalize') {
      // namespaces/finalize changes only spec.finalizers.
      const next = deepClone(old);
      const spec = (next.spec ?? {}) as { finalizers?: string[] };
      spec.finalizers = (desired.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      next.spec = spec;
      return next;
    }
    keepSystemMeta(desired, old);
    if (t.hasStatusSubresource) {
      if (old.status === undefined) delete desired.status;
      else desired.status = deepClone(old.status);
    }
    this.strategy.prepareForUpdate?.(desired, old);
    t.applyDefaults?.(desired);
    if (t.tracksGeneration && specPart(desired) !== specPart(old)) desired.metadata.generation = (old.metadata.generation ?? 0) + 1;
    return desired;
  }

  /** An object being deleted whose last finalizer is gone, with no grace period left, is removed for good. */
  private finalizedAway(obj: KObject): boolean {
    const m = obj.metadata;
    return (
      !!m.deletionTimestamp &&
      (m.finalizers ?? []).length === 0 &&
      (m.deletionGracePeriodSeconds ?? 0) === 0 &&
      !this.strategy.holdsDeletion?.(obj)
    );
  }

  private async remove(namespace: string | undefined, name: string, last: KObject, modRevision: number): Promise<KObject> {
    const rev = await this.store.delete(this.key(namespace, name), modRevision, this.strategy.deleteExtras?.(last) ?? {});
    last.metadata.resourceVersion = String(rev);
    return last;
  }

  /**
   * Deletes as Kubernetes does: preconditions, then either at once, or by setting deletionTimestamp when
   * finalizers remain (including the ones a propagation policy adds) or the object needs a grace period.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions, ctx: WriteContext): Promise<KObject> {
    const t = this.type;
    for (let attempt = 0; ; attempt++) {
      const found = await this.read(namespace, name);
      if (!found) throw notFound(t, name);
      const obj = found.obj;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid)
        throw conflict(t, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion)
        throw conflict(t, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
      await this.admission.validate({ operation: 'DELETE', type: t, namespace, name, oldObject: obj, user: ctx.user, dryRun: ctx.dryRun });

      const next = deepClone(obj);
      const m = next.metadata;
      const finalizers = new Set(m.finalizers ?? []);
      const policy = opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined);
      if (policy === 'Foreground') finalizers.add('foregroundDeletion');
      if (policy === 'Orphan') finalizers.add('orphan');
      if (policy === 'Background') {
        finalizers.delete('foregroundDeletion');
        finalizers.delete('orphan');
      }
      const grace = this.strategy.gracePeriodSeconds?.(obj, opts.gracePeriodSeconds) ?? 0;
      const needsWait = finalizers.size > 0 || grace > 0 || !!this.strategy.holdsDeletion?.(next);
      try {
        if (!needsWait) {
          if (ctx.dryRun) return obj;
          return await this.remove(namespace, name, obj, found.modRevision);
        }
        if (finalizers.size) m.finalizers = [...finalizers];
        if (m.deletionTimestamp) {
          // Already deleting: only a shorter grace period changes anything.
          if (grace >= (m.deletionGracePeriodSeconds ?? 0) && JSON.stringify(m.finalizers) === JSON.stringify(obj.metadata.finalizers)) return obj;
        }
        const now = Date.now();
        m.deletionTimestamp = formatTime(new Date(now + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
        this.strategy.beginDeletion?.(next);
        if (ctx.dryRun) return next;
        const rev = await this.store.update(this.key(namespace, name), encodeForStorage(next), found.modRevision);
        next.metadata.resourceVersion = String(rev);
        return next;
      } catch (e) {
        if (isStorageError(e, 'Conflict') && attempt < maxUpdateAttempts) continue;
        throw fromStorage(e, t, name);
      }
    }
  }
}
