import { DeploymentSchema } from '../apps/v1/deployment';
import { compareObjects } from './compare-objects';
import { fieldSchemaOf } from './field-schema';
import { fieldPathString, type FieldSet } from './field-set';
import {
  ApplyConflictError,
  applyConfiguration,
  decodeManagedFields,
  encodeManagedFields,
  isManagedFieldsReset,
  serverOwnedFields,
  updateOwnership,
  type ManagerEntry,
} from './ownership';

const schema = fieldSchemaOf(DeploymentSchema);
const t1 = '2024-01-01T00:00:00Z';
const t2 = '2024-01-01T00:01:00Z';
type Obj = Record<string, unknown>;

function deployment(replicas: number, image = 'nginx:1', extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'd' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}

const skeleton = { metadata: {}, spec: {}, status: {} };
const update = (manager: string, subresource?: string) => ({ manager, operation: 'Update' as const, apiVersion: 'apps/v1', subresource });

function paths(set: FieldSet): string[] {
  const out: string[] = [];
  const walk = (n: FieldSet, p: string[]) => {
    const keys = Object.keys(n).filter((k) => k !== '.');
    if (!keys.length || n['.']) out.push(fieldPathString(p));
    for (const k of keys) walk(n[k], [...p, k]);
  };
  for (const k of Object.keys(set)) walk(set[k], [k]);
  return out;
}

describe('compareObjects', () => {
  it('reports added nodes with everything under them, modified leaves and removed items', () => {
    const before = deployment(1);
    const after = deployment(2, 'nginx:2', { paused: true });
    (after.metadata as Obj).labels = { app: 'd', tier: 'web' };
    const c = compareObjects(schema, before, after, serverOwnedFields);
    expect(paths(c.modified)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="c"].image']);
    expect(paths(c.added)).toEqual(['.metadata.labels.tier', '.spec.paused']);
    expect(paths(c.removed)).toEqual([]);
    const gone = compareObjects(schema, after, { ...after, spec: { ...(after.spec as Obj), template: {} } }, serverOwnedFields);
    expect(gone.removed['f:spec']['f:template']['f:spec']['f:containers']).toEqual({ '.': {}, 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } });
  });
});

describe('updateOwnership', () => {
  it('gives a create everything it set, with "." on maps and items it added', () => {
    const created = updateOwnership([], compareObjects(schema, skeleton, deployment(1), serverOwnedFields), update('kubectl-create'), t1);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update', time: t1 });
    expect(created[0].fields['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    expect(created[0].fields['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"c"}']).toEqual({ '.': {}, 'f:image': {}, 'f:name': {} });
    expect(created[0].fields['f:spec']['f:replicas']).toEqual({});
  });

  it('moves changed fields to the writer, drops removed ones and entries left empty', () => {
    const created = updateOwnership([], compareObjects(schema, skeleton, deployment(1), serverOwnedFields), update('a'), t1);
    const scaled = updateOwnership(created, compareObjects(schema, deployment(1), deployment(3), serverOwnedFields), update('b', 'scale'), t2);
    expect(scaled.map((e) => e.manager)).toEqual(['a', 'b']);
    expect(scaled[0].fields['f:spec']['f:replicas']).toBeUndefined();
    expect(scaled[0].time).toBe(t1);
    expect(scaled[1]).toMatchObject({ subresource: 'scale', time: t2, fields: { 'f:spec': { 'f:replicas': {} } } });
    const noReplicas = deployment(3);
    delete (noReplicas.spec as Obj).replicas;
    const removed = updateOwnership(scaled, compareObjects(schema, deployment(3), noReplicas, serverOwnedFields), update('a'), t2);
    expect(removed.map((e) => e.manager)).toEqual(['a']);
    // The writer gained nothing, so its time stays.
    expect(removed[0].time).toBe(t1);
  });

  it('returns the entries untouched when nothing changed', () => {
    const entries: ManagerEntry[] = [{ ...update('a'), time: t1, fields: { 'f:spec': { 'f:replicas': {} } } }];
    expect(updateOwnership(entries, compareObjects(schema, deployment(1), deployment(1), serverOwnedFields), update('b'), t2)).toBe(entries);
  });
});

describe('managedFields encoding', () => {
  it('decodes valid entries, refuses invalid ones, and orders Apply before Update, then by time', () => {
    const list = [
      { manager: 'z', operation: 'Update', apiVersion: 'apps/v1', time: t1, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } },
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: t2, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ];
    const decoded = decodeManagedFields(list)!;
    expect(encodeManagedFields(decoded)!.map((e) => e.manager)).toEqual(['kubectl', 'z']);
    expect(Object.keys(encodeManagedFields(decoded)![0])).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    expect(decodeManagedFields([{ ...list[0], operation: 'Patch' }])).toBeUndefined();
    expect(decodeManagedFields([{ ...list[0], fieldsType: 'FieldsV2' }])).toBeUndefined();
    expect(decodeManagedFields([{ ...list[0], fieldsV1: { spec: {} } }])).toBeUndefined();
  });

  it('recognises a reset: an empty list or one empty entry', () => {
    expect(isManagedFieldsReset([])).toBe(true);
    expect(isManagedFieldsReset([{}])).toBe(true);
    expect(isManagedFieldsReset(undefined)).toBe(false);
    expect(isManagedFieldsReset([{ manager: 'x' }])).toBe(false);
  });
});

describe('applyConfiguration', () => {
  const config = (replicas: number | undefined, image = 'nginx:1', extra: Obj = {}): Obj => {
    const d = deployment(replicas ?? 0, image, extra);
    if (replicas === undefined) delete (d.spec as Obj).replicas;
    d.metadata = { name: 'd', namespace: 'default' };
    return d;
  };
  const apply = (live: Obj | undefined, cfg: Obj, entries: ManagerEntry[], manager = 'kubectl', force = false) =>
    applyConfiguration({ schema, live, config: cfg, entries, applier: { manager, apiVersion: 'apps/v1' }, force, ignore: serverOwnedFields, now: t2 });

  it('creates: the applier owns exactly what it applied', () => {
    const out = apply(undefined, config(2), []);
    expect(out.changed).toBe(true);
    expect(out.entries).toEqual([{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: t2, fields: expect.any(Object) }]);
    expect(out.entries[0].fields['f:spec']['f:replicas']).toEqual({});
    expect(out.entries[0].fields['f:spec']['f:selector']).toEqual({});
    expect(out.entries[0].fields['f:metadata']).toBeUndefined();
  });

  it('merges keyed lists by key and leaves fields it does not mention alone', () => {
    const live = deployment(1, 'nginx:1', { paused: true });
    const cfg = config(1);
    (cfg.spec as Obj).template = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'side', image: 'busybox' }] } };
    const out = apply(live, cfg, []);
    const containers = ((out.object.spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers;
    expect(containers).toEqual([{ name: 'c', image: 'nginx:1' }, { name: 'side', image: 'busybox' }]);
    expect((out.object.spec as Obj).paused).toBe(true);
  });

  it('keeps the object and time when re-applied unchanged', () => {
    const first = apply(undefined, config(2), []);
    const again = applyConfiguration({
      schema, live: first.object, config: config(2), entries: first.entries, applier: { manager: 'kubectl', apiVersion: 'apps/v1' }, force: false, ignore: serverOwnedFields, now: '2030-01-01T00:00:00Z',
    });
    expect(again.changed).toBe(false);
    expect(again.object).toEqual(first.object);
    expect(again.entries[0].time).toBe(t2);
  });

  it('conflicts when another manager owns a value it would change, and takes it over with force', () => {
    const live = deployment(5);
    const entries: ManagerEntry[] = [
      { ...update('kubectl', 'scale'), time: t1, fields: { 'f:spec': { 'f:replicas': {} } } },
      { ...update('other'), time: t1, fields: { 'f:spec': { 'f:paused': {} } } },
    ];
    let err: unknown;
    try {
      apply(live, config(3), entries);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApplyConflictError);
    const conflicts = (err as ApplyConflictError).conflicts;
    expect(conflicts.map((c) => [c.owner.manager, c.owner.subresource, fieldPathString(c.path)])).toEqual([['kubectl', 'scale', '.spec.replicas']]);

    // Same value: no conflict, both own it.
    const shared = apply(live, config(5), entries);
    expect(shared.entries.find((e) => e.subresource === 'scale')?.fields).toEqual({ 'f:spec': { 'f:replicas': {} } });

    const forced = apply(live, config(3), entries, 'kubectl', true);
    expect((forced.object.spec as Obj).replicas).toBe(3);
    expect(forced.entries.map((e) => e.manager)).toEqual(['other', 'kubectl']);
  });

  it('removes fields it applied before and applies no longer, unless another manager owns them', () => {
    const first = apply(undefined, config(2, 'nginx:1', { paused: true, minReadySeconds: 5 }), []);
    const entries = [...first.entries, { ...update('editor'), time: t1, fields: { 'f:spec': { 'f:minReadySeconds': {} } } }];
    const out = apply(first.object, config(2), entries);
    expect((out.object.spec as Obj).paused).toBeUndefined();
    expect((out.object.spec as Obj).minReadySeconds).toBe(5);
    expect(out.entries.find((e) => e.manager === 'kubectl')!.fields['f:spec']['f:paused']).toBeUndefined();
  });

  it('removes a keyed list item it no longer applies', () => {
    const two = config(1);
    (two.spec as Obj).template = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'a' }, { name: 'side', image: 'b' }] } };
    const first = apply(undefined, two, []);
    const out = apply(first.object, config(1, 'a'), first.entries);
    const containers = ((out.object.spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers;
    expect(containers).toEqual([{ name: 'c', image: 'a' }]);
  });
});
