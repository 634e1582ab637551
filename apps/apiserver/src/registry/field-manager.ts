import {
  ApplyConflictError,
  ApplyMergeError,
  apiVersionOf,
  applyConfiguration,
  compareObjects,
  decodeManagedFields,
  encodeManagedFields,
  fieldPathString,
  fieldSchemaOf,
  fieldSetDifference,
  fieldSetOf,
  fieldSetOfPaths,
  fieldSetUnion,
  formatTime,
  isEmptyFieldSet,
  isManagedFieldsReset,
  jsonEqual,
  serverOwnedFields,
  updateOwnership,
  type ApplyConflict,
  type FieldSet,
  type KObject,
  type ManagedFieldsEntry,
  type ManagerEntry,
  type ManagerIdentity,
  type ObjectMeta,
  type ResourceType,
} from '@skiff/api';
import { badRequest, StatusError } from '../handlers/status-error';

/** The manager a write is recorded under, and the subresource it came through. */
export interface FieldManagerRef {
  manager: string;
  subresource?: string;
}

const maxManagerLength = 128;
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * `?fieldManager=`, else what Kubernetes derives from the User-Agent: the part before the first `/`, printable
 * characters only, at most 128 bytes (`kubectl/v1.32.2 (linux/amd64) …` → `kubectl`).
 */
export function fieldManagerOf(req: { query: unknown; headers: Record<string, unknown> }, subresource?: string): FieldManagerRef {
  const param = (req.query as Record<string, unknown>).fieldManager;
  const manager = typeof param === 'string' && param ? param : managerFromUserAgent(String(req.headers['user-agent'] ?? ''));
  return subresource ? { manager, subresource } : { manager };
}

export function managerFromUserAgent(userAgent: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of userAgent.split('/')[0]) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxManagerLength) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** Paths nobody owns in this kind: server-set metadata, and status when it is written through /status only. */
function ignoredFields(type: ResourceType): FieldSet {
  return type.hasStatusSubresource ? fieldSetUnion(serverOwnedFields, { 'f:status': {} }) : serverOwnedFields;
}

/**
 * Top-level structs count as present before the write even when absent: Kubernetes compares with Go objects,
 * where metadata, spec and status always exist, so adding the first status field does not own `status` itself.
 */
function withTopLevelStructs(before: KObject | undefined, after: KObject): Record<string, unknown> {
  let out: Record<string, unknown> | undefined = before ? undefined : {};
  for (const k of ['metadata', 'spec', 'status']) {
    const v = after[k];
    if (before?.[k] !== undefined || !v || typeof v !== 'object' || Array.isArray(v)) continue;
    out ??= { ...before };
    out[k] = {};
  }
  return out ?? (before as Record<string, unknown>);
}

function storedEntries(list: ManagedFieldsEntry[] | undefined): ManagerEntry[] {
  return decodeManagedFields(list, true) ?? [];
}

/** Sets metadata.managedFields last in metadata, where Kubernetes serialises it, or removes it when empty. */
function setManagedFields(meta: ObjectMeta, list: ManagedFieldsEntry[] | undefined): void {
  const keys = Object.keys(meta);
  const isLast = keys[keys.length - 1] === 'managedFields';
  if (list?.length && isLast) meta.managedFields = list;
  else {
    if (meta.managedFields !== undefined || keys.includes('managedFields')) delete meta.managedFields;
    if (list?.length) meta.managedFields = list;
  }
}

/**
 * Records a create (`old` undefined) or update in `next.metadata.managedFields` as Kubernetes' field manager
 * does: fields the write added or changed become the writer's Update entry, leaving other managers. Entries a
 * client wrote itself are honoured when valid (`[]` resets ownership); when nothing changed the stored
 * managedFields come back byte for byte, so a no-op write stays a no-op.
 */
export function recordUpdate(type: ResourceType, next: KObject, old: KObject | undefined, writer: FieldManagerRef, now = new Date()): void {
  const meta = next.metadata;
  const stored = old?.metadata.managedFields;
  const given = meta.managedFields;
  let base: ManagerEntry[];
  let keepsStored = false;
  if (given === undefined || (stored !== undefined && jsonEqual(given, stored))) {
    base = storedEntries(stored);
    keepsStored = true;
  } else if (isManagedFieldsReset(given)) {
    base = [];
  } else {
    const decoded = decodeManagedFields(given);
    keepsStored = !decoded;
    base = decoded ?? storedEntries(stored);
  }
  const changes = compareObjects(fieldSchemaOf(type.schema), withTopLevelStructs(old, next), next, serverOwnedFields);
  const identity: ManagerIdentity = { manager: writer.manager, operation: 'Update', apiVersion: apiVersionOf(type) };
  if (writer.subresource) identity.subresource = writer.subresource;
  const entries = updateOwnership(base, changes, identity, formatTime(now));
  setManagedFields(meta, entries === base && keepsStored ? stored : encodeManagedFields(entries));
}

export interface ApplyRequest {
  manager: string;
  force: boolean;
  /** The configuration as the client sent it, for kubectl's last-applied annotation. */
  sent: Record<string, unknown>;
}

/**
 * Server-side apply of `config` onto `live` (undefined: the object is being created). Returns the object to
 * store with its managedFields, or throws 409 with one FieldManagerConflict cause per conflicting field.
 */
export function applyToObject(type: ResourceType, live: KObject | undefined, config: KObject, req: ApplyRequest, now = new Date()): KObject {
  const schema = fieldSchemaOf(type.schema);
  const ignore = ignoredFields(type);
  const input = {
    schema,
    live: live as Record<string, unknown> | undefined,
    config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    entries: storedEntries(live?.metadata.managedFields),
    applier: { manager: req.manager, apiVersion: apiVersionOf(type) },
    force: req.force,
    ignore,
    now: formatTime(now),
  };
  let outcome;
  try {
    outcome = applyConfiguration(input);
  } catch (e) {
    if (e instanceof ApplyMergeError) throw badRequest(`failed to create typed patch object: ${e.message}`);
    if (!(e instanceof ApplyConflictError)) throw e;
    // kubectl moving an object from client-side apply may take fields whose values still match its last-applied annotation.
    const remaining = req.manager === 'kubectl' && live ? conflictsNotInLastApplied(type, live, e.conflicts, ignore) : e.conflicts;
    if (remaining.length) throw applyConflict(remaining);
    outcome = applyConfiguration({ ...input, force: true });
  }
  const obj = outcome.object as KObject;
  setManagedFields(obj.metadata, encodeManagedFields(outcome.entries));
  const annotations = obj.metadata.annotations;
  if (req.manager === 'kubectl' && annotations?.[lastAppliedAnnotation] !== undefined) {
    // As Kubernetes' lastAppliedUpdater: kubectl's server-side applies keep the client-side annotation current.
    obj.metadata.annotations = { ...annotations, [lastAppliedAnnotation]: lastAppliedOf(req.sent) };
  }
  return obj;
}

function conflictsNotInLastApplied(type: ResourceType, live: KObject, conflicts: ApplyConflict[], ignore: FieldSet): ApplyConflict[] {
  const text = live.metadata.annotations?.[lastAppliedAnnotation];
  let lastApplied: unknown;
  try {
    lastApplied = text ? JSON.parse(text) : undefined;
  } catch {
    return conflicts;
  }
  if (typeof lastApplied !== 'object' || lastApplied === null || Array.isArray(lastApplied)) return conflicts;
  const schema = fieldSchemaOf(type.schema);
  const modifiedSince = compareObjects(schema, lastApplied, live, ignore).modified;
  const allowed = fieldSetDifference(fieldSetOf(schema, lastApplied, ignore), modifiedSince);
  return conflicts.filter((c) => !isEmptyFieldSet(fieldSetDifference(fieldSetOfPaths([c.path]), allowed)));
}

function printManager(m: ManagerIdentity): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource) out += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') out += ` using ${m.apiVersion}`;
  return out;
}

/** Kubernetes' 409 for apply conflicts: the message kubectl prints and one cause per field. */
export function applyConflict(conflicts: ApplyConflict[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.owner)}`, field: fieldPathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].owner)}: ${causes[0].field}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const who = printManager(c.owner);
      byManager.set(who, [...(byManager.get(who) ?? []), fieldPathString(c.path)]);
    }
    const lines: string[] = [];
    for (const who of [...byManager.keys()].sort()) lines.push(`conflicts with ${who}:`, ...byManager.get(who)!.map((p) => `- ${p}`));
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/** What kubectl's annotation holds: the applied object without the annotation itself, as Go's encoder writes it. */
export function lastAppliedOf(sent: Record<string, unknown>): string {
  const copy = JSON.parse(JSON.stringify(sent)) as { metadata?: { annotations?: Record<string, string> } };
  if (copy.metadata?.annotations) delete copy.metadata.annotations[lastAppliedAnnotation];
  return `${goJSON(copy)}\n`;
}

/** JSON with sorted keys and HTML-safe escapes, as encoding/json writes unstructured objects. */
function goJSON(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (typeof x !== 'object' || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) out[k] = sorted((x as Record<string, unknown>)[k]);
    return out;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
