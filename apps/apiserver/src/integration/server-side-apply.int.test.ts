import { startControlPlane, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const applyType = 'application/apply-patch+yaml';
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

interface Reply {
  status: number;
  body: any;
  text: string;
}

async function send(method: string, path: string, body?: unknown, contentType = 'application/json', userAgent = 'integration-test/1.0'): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { 'User-Agent': userAgent, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

const apply = (name: string, config: unknown, query: string) => send('PATCH', `${deployments}/${name}?${query}`, config, applyType);

function deployment(name: string, replicas: number | undefined, extra: { labels?: Record<string, string>; paused?: boolean; annotations?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(extra.labels ? { labels: extra.labels } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      ...(extra.paused ? { paused: true } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  };
}

const entry = (obj: any, manager: string, operation = 'Apply', subresource?: string) =>
  (obj.metadata.managedFields ?? []).find((e: any) => e.manager === manager && e.operation === operation && e.subresource === subresource);

describe('server-side apply', () => {
  it('creates the object (201) with one Apply entry holding exactly the applied fields', async () => {
    const r = await apply('ssa-create', deployment('ssa-create', 2), 'fieldManager=deployer&fieldValidation=Strict&force=false');
    expect(r.status).toBe(201);
    expect(r.body.metadata.managedFields).toHaveLength(1);
    const e = r.body.metadata.managedFields[0];
    expect(Object.keys(e)).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    expect(e).toMatchObject({ manager: 'deployer', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(e.fieldsV1).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
    // Defaults are filled in but owned by nobody.
    expect(r.body.spec.strategy.type).toBe('RollingUpdate');
  });

  it('keeps the resourceVersion and the exact body when the same configuration is applied again', async () => {
    const first = await apply('ssa-create', deployment('ssa-create', 2), 'fieldManager=deployer');
    const again = await apply('ssa-create', deployment('ssa-create', 2), 'fieldManager=deployer');
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
  });

  it('accepts YAML bodies and merges keyed lists by key', async () => {
    const yaml = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: ssa-create, namespace: default}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: sidecar',
      '        image: busybox',
    ].join('\n');
    const r = await apply('ssa-create', yaml, 'fieldManager=sidecar-injector');
    expect(r.status).toBe(200);
    expect(r.body.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'sidecar']);
    expect(r.body.spec.replicas).toBe(2);
    expect(entry(r.body, 'sidecar-injector').fieldsV1['f:spec']['f:template']['f:spec']['f:containers']).toEqual({
      'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} },
    });
  });

  it('answers 409 FieldManagerConflict when another manager changes an owned value, and moves ownership with force', async () => {
    await apply('ssa-conflict', deployment('ssa-conflict', 2), 'fieldManager=deployer');
    const other = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa-conflict' }, spec: { replicas: 5 } };
    const refused = await apply('ssa-conflict', other, 'fieldManager=autoscaler&force=false');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "deployer": .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "deployer"', field: '.spec.replicas' }] },
    });
    // Applying the value it already has is no conflict: both own it.
    const same = await apply('ssa-conflict', { ...other, spec: { replicas: 2 } }, 'fieldManager=autoscaler');
    expect(same.status).toBe(200);
    expect(entry(same.body, 'deployer').fieldsV1['f:spec']['f:replicas']).toEqual({});

    const forced = await apply('ssa-conflict', other, 'fieldManager=autoscaler&force=true');
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(5);
    expect(entry(forced.body, 'autoscaler').fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(forced.body, 'deployer').fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });

  it('reports conflicts with Update managers by subresource and apiVersion', async () => {
    await apply('ssa-scaled', deployment('ssa-scaled', 2), 'fieldManager=kubectl');
    const scaled = await send('PATCH', `${deployments}/ssa-scaled/scale`, { spec: { replicas: 4 } }, 'application/merge-patch+json', 'kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0');
    expect(scaled.status).toBe(200);
    const d = await send('GET', `${deployments}/ssa-scaled`);
    expect(entry(d.body, 'kubectl', 'Update', 'scale')).toMatchObject({ apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    const refused = await apply('ssa-scaled', deployment('ssa-scaled', 2), 'fieldManager=kubectl');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
  });

  it('removes fields the manager applied before and no longer applies, unless someone else owns them', async () => {
    await apply('ssa-prune', deployment('ssa-prune', 1, { labels: { team: 'a', tier: 'web' }, paused: true }), 'fieldManager=deployer');
    await send('PATCH', `${deployments}/ssa-prune?fieldManager=labeller`, { metadata: { labels: { tier: 'frontend' } } }, 'application/merge-patch+json');
    const r = await apply('ssa-prune', deployment('ssa-prune', 1), 'fieldManager=deployer');
    expect(r.status).toBe(200);
    expect(r.body.spec.paused).toBeUndefined();
    expect(r.body.metadata.labels).toEqual({ tier: 'frontend' });
  });

  it('validates the request like Kubernetes', async () => {
    const noManager = await apply('ssa-bad', deployment('ssa-bad', 1), '');
    expect(noManager.status).toBe(422);
    expect(noManager.body.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const noKind = await apply('ssa-bad', { ...deployment('ssa-bad', 1), kind: undefined }, 'fieldManager=x');
    expect(noKind.status).toBe(400);
    const wrongVersion = await apply('ssa-bad', { ...deployment('ssa-bad', 1), apiVersion: 'apps/v1beta1' }, 'fieldManager=x');
    expect(wrongVersion.body.message).toBe('Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1');
    const unknown = await apply('ssa-bad', { ...deployment('ssa-bad', 1), spec: { bogus: 1 } }, 'fieldManager=x&fieldValidation=Strict');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('unknown field "spec.bogus"');
    expect((await send('GET', `${deployments}/ssa-bad`)).status).toBe(404);
  });
});

describe('managedFields on ordinary writes', () => {
  it('records Update entries per manager: fieldManager, else the User-Agent before its first "/"', async () => {
    const created = await send('POST', `${deployments}?fieldManager=kubectl-create`, deployment('mf-update', 1, { labels: { a: '1' } }));
    expect(created.status).toBe(201);
    expect(created.body.metadata.managedFields).toHaveLength(1);
    const c = created.body.metadata.managedFields[0];
    expect(c).toMatchObject({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(c.fieldsV1['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:a': {} } });
    expect(c.fieldsV1['f:spec']['f:replicas']).toEqual({});
    // Server-set metadata belongs to nobody.
    expect(Object.keys(c.fieldsV1)).toEqual(['f:metadata', 'f:spec']);

    const edited = await send('PATCH', `${deployments}/mf-update`, { spec: { replicas: 3 } }, 'application/merge-patch+json', 'my-controller/v0.1 (linux)');
    const mine = entry(edited.body, 'my-controller', 'Update');
    expect(mine.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(edited.body, 'kubectl-create', 'Update').fieldsV1['f:spec']['f:replicas']).toBeUndefined();

    const status = await send('PUT', `${deployments}/mf-update/status?fieldManager=controller`, { ...edited.body, status: { replicas: 3 } });
    expect(status.status).toBe(200);
    expect(entry(status.body, 'controller', 'Update', 'status').fieldsV1).toEqual({ 'f:status': { 'f:replicas': {} } });
  });

  it('leaves a no-op write byte-identical, timestamps included', async () => {
    const current = await send('GET', `${deployments}/mf-update`);
    const put = await send('PUT', `${deployments}/mf-update?fieldManager=kubectl-replace`, current.body);
    expect(put.text).toBe(current.text);
    const { managedFields: _omit, ...metaWithout } = current.body.metadata;
    const putWithout = await send('PUT', `${deployments}/mf-update?fieldManager=kubectl-replace`, { ...current.body, metadata: metaWithout });
    expect(putWithout.text).toBe(current.text);
  });

  it('honours managedFields written by clients, checks a resourceVersion precondition, and resets on []', async () => {
    const current = await send('GET', `${deployments}/mf-update`);
    const rewritten = [
      { manager: 'everything', operation: 'Apply', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ];
    const stale = await send('PATCH', `${deployments}/mf-update`, [
      { op: 'replace', path: '/metadata/managedFields', value: rewritten },
      { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
    ], 'application/json-patch+json');
    expect(stale.status).toBe(409);
    const ok = await send('PATCH', `${deployments}/mf-update`, [
      { op: 'replace', path: '/metadata/managedFields', value: rewritten },
      { op: 'replace', path: '/metadata/resourceVersion', value: current.body.metadata.resourceVersion },
    ], 'application/json-patch+json');
    expect(ok.status).toBe(200);
    expect(ok.body.metadata.managedFields).toEqual(rewritten);

    const invalidEntries = await send('PATCH', `${deployments}/mf-update`, { metadata: { managedFields: [{ manager: 'x', operation: 'Bogus', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }] } }, 'application/merge-patch+json');
    expect(invalidEntries.body.metadata.managedFields).toEqual(rewritten);

    const reset = await send('PATCH', `${deployments}/mf-update`, { metadata: { managedFields: [] } }, 'application/merge-patch+json');
    expect(reset.status).toBe(200);
    expect(reset.body.metadata.managedFields).toBeUndefined();
  });
});

describe('moving from client-side apply', () => {
  it('runs kubectl\'s migration: apply over the client-side owner, save the annotation, rewrite managedFields, re-apply', async () => {
    const csaConfig = deployment('migrate', 2, { labels: { app: 'migrate', old: 'yes' } });
    const annotation = JSON.stringify({ ...csaConfig, metadata: { ...csaConfig.metadata, annotations: {} } }) + '\n';
    const created = await send('POST', `${deployments}?fieldManager=kubectl-client-side-apply`, {
      ...csaConfig,
      metadata: { ...csaConfig.metadata, annotations: { [lastApplied]: annotation } },
    });
    expect(created.status).toBe(201);

    // The manifest now asks for 3 replicas and drops the "old" label.
    const ssaConfig = deployment('migrate', 3, { labels: { app: 'migrate' } });
    const applied = await apply('migrate', ssaConfig, 'fieldManager=kubectl&fieldValidation=Strict&force=false');
    expect(applied.status).toBe(200);
    expect(applied.body.spec.replicas).toBe(3);
    expect(JSON.parse(applied.body.metadata.annotations[lastApplied])).toEqual(ssaConfig);
    // Still owned by the client-side manager, so not removed yet.
    expect(applied.body.metadata.labels.old).toBe('yes');

    const saved = await apply('migrate', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'migrate', namespace: 'default', annotations: { [lastApplied]: applied.body.metadata.annotations[lastApplied] } },
    }, 'fieldManager=kubectl-last-applied');
    expect(saved.status).toBe(200);
    expect(entry(saved.body, 'kubectl-last-applied').fieldsV1).toEqual({ 'f:metadata': { 'f:annotations': { [`f:${lastApplied}`]: {} } } });

    // What csaupgrade sends: the client-side entry folded into kubectl's Apply entry, with the rv it read.
    const fromApply = applied.body.metadata.managedFields;
    const csa = entry(applied.body, 'kubectl-client-side-apply', 'Update');
    const upgraded = fromApply
      .filter((e: any) => e !== csa)
      .map((e: any) => (e.manager === 'kubectl' && e.operation === 'Apply' ? { ...e, fieldsV1: deepMerge(e.fieldsV1, csa.fieldsV1) } : e));
    const patch = (rv: string, mf: unknown) => [
      { op: 'replace', path: '/metadata/managedFields', value: mf },
      { op: 'replace', path: '/metadata/resourceVersion', value: rv },
    ];
    const stale = await send('PATCH', `${deployments}/migrate`, patch(applied.body.metadata.resourceVersion, upgraded), 'application/json-patch+json');
    expect(stale.status).toBe(409);
    const fresh = await send('GET', `${deployments}/migrate`);
    const upgradedFresh = fresh.body.metadata.managedFields
      .filter((e: any) => !(e.manager === 'kubectl-client-side-apply' && e.operation === 'Update'))
      .map((e: any) => (e.manager === 'kubectl' && e.operation === 'Apply' ? { ...e, fieldsV1: deepMerge(e.fieldsV1, csa.fieldsV1) } : e));
    const migrated = await send('PATCH', `${deployments}/migrate`, patch(fresh.body.metadata.resourceVersion, upgradedFresh), 'application/json-patch+json');
    expect(migrated.status).toBe(200);
    expect(entry(migrated.body, 'kubectl-client-side-apply', 'Update')).toBeUndefined();

    const reapplied = await apply('migrate', ssaConfig, 'fieldManager=kubectl&fieldValidation=Strict&force=false');
    expect(reapplied.status).toBe(200);
    expect(reapplied.body.metadata.labels).toEqual({ app: 'migrate' });
    expect(reapplied.body.metadata.annotations[lastApplied]).toBeDefined();
    expect(reapplied.body.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`).sort()).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
  });
});

function deepMerge(a: any, b: any): any {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}
