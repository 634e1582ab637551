import type { ManagedFieldsEntry } from '../meta/object-meta';
import { mergeApplied, pruneApplied } from './apply-merge';
import { compareObjects, type FieldComparison } from './compare-objects';
import type { FieldSchema } from './field-schema';
import { fieldSetOf } from './field-set-of';
import { fieldSetDifference, emptyFieldSet, forEachFieldPath, fieldSetIntersection, isEmptyFieldSet, parseFieldSet, fieldSetUnion, type FieldSet } from './field-set';

export type ManagedOperation = 'Apply' | 'Update';

/** Who wrote: Update entries are per manager, apiVersion and subresource; Apply entries per manager and subresource. */
export interface ManagerIdentity {
  manager: string;
  operation: ManagedOperation;
  apiVersion: string;
  subresource?: string;
}

/** One managedFields entry with its field set decoded. */
export interface ManagerEntry extends ManagerIdentity {
  time?: string;
  fields: FieldSet;
}

export function sameManager(a: ManagerIdentity, b: ManagerIdentity): boolean {
  return (
    a.operation === b.operation &&
    a.manager === b.manager &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation === 'Apply' || a.apiVersion === b.apiVersion)
  );
}

/** Fields the server owns and nobody manages (Kubernetes' StripMetaManager list). */
export const serverOwnedFields: FieldSet = {
  'f:apiVersion': {},
  'f:kind': {},
  'f:metadata': {
    'f:creationTimestamp': {},
    'f:generation': {},
    'f:managedFields': {},
    'f:name': {},
    'f:namespace': {},
    'f:resourceVersion': {},
    'f:selfLink': {},
    'f:uid': {},
  },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A client resets ownership by writing `managedFields: []` or a list holding one empty entry; then nobody
 * owns anything before the write is accounted for.
 */
export function isManagedFieldsReset(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  if (list.length === 0) return true;
  return list.length === 1 && isObject(list[0]) && Object.values(list[0]).every((v) => v === undefined || v === null || v === '');
}

/**
 * Decodes managedFields as a client sent them; undefined when any entry is invalid (Kubernetes then keeps the
 * stored ones). With `trusted` (our own stored entries) the field sets are taken as they are.
 */
export function decodeManagedFields(list: unknown, trusted = false): ManagerEntry[] | undefined {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return undefined;
  const out: ManagerEntry[] = [];
  for (const raw of list) {
    if (!isObject(raw)) return undefined;
    const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = raw;
    if (operation !== 'Apply' && operation !== 'Update') return undefined;
    if (typeof apiVersion !== 'string' || !apiVersion) return undefined;
    if (fieldsType !== 'FieldsV1') return undefined;
    if ((manager !== undefined && typeof manager !== 'string') || (subresource !== undefined && typeof subresource !== 'string')) return undefined;
    if (time !== undefined && time !== null && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) return undefined;
    const fields = fieldsV1 === undefined || fieldsV1 === null ? emptyFieldSet : trusted ? (fieldsV1 as FieldSet) : parseFieldSet(fieldsV1);
    if (!fields) return undefined;
    const entry: ManagerEntry = { manager: manager ?? '', operation, apiVersion, fields };
    if (subresource) entry.subresource = subresource;
    if (typeof time === 'string') entry.time = time;
    // One entry per manager identity; a later duplicate wins, as when Kubernetes decodes into a map.
    const dup = out.findIndex((e) => sameManager(e, entry));
    if (dup >= 0) out.splice(dup, 1);
    out.push(entry);
  }
  return out;
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) : 0;
}

function compareStrings(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Entries as stored and served: empty ones dropped, Kubernetes' order (operation, time, manager, apiVersion, subresource). */
export function encodeManagedFields(entries: ManagerEntry[]): ManagedFieldsEntry[] | undefined {
  const kept = entries.filter((e) => !isEmptyFieldSet(e.fields));
  if (!kept.length) return undefined;
  kept.sort(
    (p, q) =>
      compareStrings(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareStrings(p.manager, q.manager) ||
      compareStrings(p.apiVersion, q.apiVersion) ||
      compareStrings(p.subresource ?? '', q.subresource ?? ''),
  );
  return kept.map((e) => {
    const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = e.fields;
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

/**
 * Accounts for an Update: what the write added or changed becomes the writer's (taken from any other manager),
 * what it removed is owned by nobody. The writer's time moves only when it gained fields. Returns `entries`
 * itself when the write changed nothing.
 */
export function updateOwnership(entries: ManagerEntry[], changes: FieldComparison, writer: ManagerIdentity, now: string): ManagerEntry[] {
  const changed = fieldSetUnion(changes.added, changes.modified);
  const removed = changes.removed;
  if (isEmptyFieldSet(changed) && isEmptyFieldSet(removed)) return entries;
  const taken = fieldSetUnion(changed, removed);
  const out: ManagerEntry[] = [];
  let found = false;
  for (const e of entries) {
    if (sameManager(e, writer)) {
      found = true;
      const fields = fieldSetUnion(fieldSetDifference(e.fields, removed), changed);
      out.push({ ...e, fields, time: isEmptyFieldSet(changed) ? e.time : now });
    } else {
      const fields = fieldSetDifference(e.fields, taken);
      out.push(fields === e.fields ? e : { ...e, fields });
    }
  }
  if (!found && !isEmptyFieldSet(changed)) out.push({ ...writer, time: now, fields: changed });
  return out.filter((e) => !isEmptyFieldSet(e.fields));
}

export interface ApplyConflict {
  owner: ManagerIdentity;
  path: string[];
}

/** The applied configuration changes fields other managers own; `force` would take them over. */
export class ApplyConflictError extends Error {
  constructor(readonly conflicts: ApplyConflict[]) {
    super(`Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}`);
    this.name = 'ApplyConflictError';
  }
}

export interface ApplyInput {
  schema: FieldSchema;
  /** The stored object, or undefined when apply creates it. */
  live: Record<string, unknown> | undefined;
  config: Record<string, unknown>;
  entries: ManagerEntry[];
  applier: { manager: string; apiVersion: string; subresource?: string };
  force: boolean;
  /** Paths nobody owns (server-set metadata, and status for main-resource writes). */
  ignore: FieldSet;
  now: string;
}

export interface ApplyOutcome {
  object: Record<string, unknown>;
  entries: ManagerEntry[];
  /** False when the object came out as it was (ownership may still have changed). */
  changed: boolean;
}

/**
 * Server-side apply (structured-merge-diff's Updater.Apply): merge the configuration into the live object,
 * refuse to change values other managers own unless forced (forcing moves them), make the configuration's
 * fields the applier's, and remove what the applier applied before but no longer does, unless someone else
 * owns it.
 */
export function applyConfiguration(input: ApplyInput): ApplyOutcome {
  const { schema, config, entries, force, ignore, now } = input;
  const live = input.live ?? {};
  const applier: ManagerIdentity = { ...input.applier, operation: 'Apply' };
  if (!input.applier.subresource) delete applier.subresource;
  const merged = mergeApplied(schema, live, config) as Record<string, unknown>;
  const applied = fieldSetOf(schema, config, ignore);
  const previous = entries.find((e) => sameManager(e, applier));

  const firstPass = compareObjects(schema, live, merged, ignore);
  const touched = fieldSetUnion(firstPass.added, firstPass.modified);
  const conflicts: ApplyConflict[] = [];
  for (const e of entries) {
    if (e === previous) continue;
    const clash = fieldSetIntersection(e.fields, touched);
    if (isEmptyFieldSet(clash)) continue;
    const owner: ManagerIdentity = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, subresource: e.subresource };
    forEachFieldPath(clash, (path) => conflicts.push({ owner, path }));
  }
  if (conflicts.length && !force) throw new ApplyConflictError(conflicts);

  const firstTaken = fieldSetUnion(touched, firstPass.removed);
  const others = new Map<ManagerEntry, ManagerEntry>();
  for (const e of entries) if (e !== previous) others.set(e, { ...e, fields: fieldSetDifference(e.fields, firstTaken) });
  let owned = applied;
  for (const o of others.values()) owned = fieldSetUnion(owned, o.fields);
  const pruned = (previous && !isEmptyFieldSet(previous.fields) ? pruneApplied(schema, merged, previous.fields, owned) : merged) as Record<string, unknown>;

  const result = compareObjects(schema, live, pruned, ignore);
  const taken = fieldSetUnion(fieldSetUnion(result.added, result.modified), result.removed);
  for (const o of others.values()) o.fields = fieldSetDifference(o.fields, taken);
  const changed = !isEmptyFieldSet(taken);
  const entry: ManagerEntry = { ...applier, fields: applied };
  const time = changed || !previous ? now : previous.time;
  if (time) entry.time = time;
  const out = entries.map((e) => (e === previous ? entry : others.get(e)!));
  if (!previous) out.push(entry);
  return { object: pruned, entries: out.filter((e) => !isEmptyFieldSet(e.fields)), changed };
}

/** Paths of a set, for messages and tests. */
export function fieldPathsOf(set: FieldSet): string[][] {
  const out: string[][] = [];
  forEachFieldPath(set, (p) => out.push(p));
  return out;
}
