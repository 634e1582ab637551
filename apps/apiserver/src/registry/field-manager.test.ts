import { builtinScheme, type KObject } from '@skiff/api';
import { applyConflict, applyToObject, fieldManagerOf, lastAppliedOf, managerFromUserAgent, recordUpdate } from './field-manager';

const deployments = builtinScheme.forResource('apps', 'v1', 'deployments')!;
const t0 = new Date('2024-01-01T00:00:00Z');
const t1 = new Date('2024-01-01T00:05:00Z');

function deployment(replicas: number): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default', uid: 'u', resourceVersion: '3' },
    spec: { replicas, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  };
}

describe('the manager of a request', () => {
  it('is ?fieldManager, else the User-Agent before its first "/"', () => {
    expect(fieldManagerOf({ query: { fieldManager: 'kubectl-edit' }, headers: { 'user-agent': 'kubectl/v1.32.2' } })).toEqual({ manager: 'kubectl-edit' });
    expect(fieldManagerOf({ query: {}, headers: { 'user-agent': 'kube-scheduler/v1.32.2 (linux/amd64) kubernetes/abc' } }, 'binding')).toEqual({
      manager: 'kube-scheduler',
      subresource: 'binding',
    });
    expect(managerFromUserAgent('a\u0007b/1')).toBe('ab');
    expect(managerFromUserAgent('x'.repeat(200))).toHaveLength(128);
  });
});

describe('recordUpdate', () => {
  it('keeps stored managedFields byte for byte when a write changes nothing, and times move only with ownership', () => {
    const created = deployment(1);
    recordUpdate(deployments, created, undefined, { manager: 'kubectl-create' }, t0);
    const stored = created.metadata.managedFields!;
    expect(stored[0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update', time: '2024-01-01T00:00:00Z' });

    const same = JSON.parse(JSON.stringify(created)) as KObject;
    delete same.metadata.managedFields;
    recordUpdate(deployments, same, created, { manager: 'other' }, t1);
    expect(same.metadata.managedFields).toBe(stored);

    const scaled = JSON.parse(JSON.stringify(created)) as KObject;
    (scaled.spec as { replicas: number }).replicas = 2;
    recordUpdate(deployments, scaled, created, { manager: 'hpa', subresource: 'scale' }, t1);
    expect(scaled.metadata.managedFields!.map((e) => [e.manager, e.time, e.subresource])).toEqual([
      ['kubectl-create', '2024-01-01T00:00:00Z', undefined],
      ['hpa', '2024-01-01T00:05:00Z', 'scale'],
    ]);
  });

  it('starts from nothing when a client writes managedFields: []', () => {
    const created = deployment(1);
    recordUpdate(deployments, created, undefined, { manager: 'kubectl-create' }, t0);
    const reset = JSON.parse(JSON.stringify(created)) as KObject;
    reset.metadata.managedFields = [];
    (reset.spec as { replicas: number }).replicas = 4;
    recordUpdate(deployments, reset, created, { manager: 'resetter' }, t1);
    expect(reset.metadata.managedFields).toEqual([
      { manager: 'resetter', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:05:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ]);
  });
});

describe('apply for kubectl', () => {
  const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

  it('lets kubectl take fields from client-side apply whose values still match the annotation, and refreshes the annotation', () => {
    const live = deployment(2);
    live.metadata.annotations = { [lastApplied]: JSON.stringify({ ...deployment(2), metadata: { name: 'd', namespace: 'default' } }) };
    recordUpdate(deployments, live, undefined, { manager: 'kubectl-client-side-apply' }, t0);
    const config = deployment(3);
    config.metadata = { name: 'd', namespace: 'default' };
    const sent = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    expect(() => applyToObject(deployments, live, config, { manager: 'deployer', force: false, sent }, t1)).toThrow('Apply failed with 1 conflict');
    const out = applyToObject(deployments, live, config, { manager: 'kubectl', force: false, sent }, t1);
    expect((out.spec as { replicas: number }).replicas).toBe(3);
    expect(out.metadata.annotations![lastApplied]).toBe(lastAppliedOf(sent));
    expect(lastAppliedOf(sent)).toMatch(/^\{"apiVersion":"apps\/v1","kind":"Deployment","metadata":\{"name":"d","namespace":"default"\},"spec":\{"replicas":3,/);
    expect(lastAppliedOf({ a: '<&>' })).toBe('{"a":"\\u003c\\u0026\\u003e"}\n');
  });

  it('groups several conflicts by manager in the message', () => {
    const err = applyConflict([
      { owner: { manager: 'b', operation: 'Update', apiVersion: 'v1' }, path: ['f:spec', 'f:x'] },
      { owner: { manager: 'a', operation: 'Apply', apiVersion: 'v1' }, path: ['f:spec', 'f:y'] },
      { owner: { manager: 'a', operation: 'Apply', apiVersion: 'v1' }, path: ['f:spec', 'f:z'] },
    ]);
    expect(err.code).toBe(409);
    expect(err.message).toBe('Apply failed with 3 conflicts: conflicts with "a":\n- .spec.y\n- .spec.z\nconflicts with "b" using v1:\n- .spec.x');
    expect(err.details?.causes?.[0]).toEqual({ reason: 'FieldManagerConflict', message: 'conflict with "b" using v1', field: '.spec.x' });
  });
});
