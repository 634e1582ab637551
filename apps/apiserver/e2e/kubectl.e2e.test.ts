import { spawn } from 'node:child_process';
import { Kubectl, startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(180_000);

let cp: TestControlPlane;
let k: Kubectl;

beforeAll(async () => {
  cp = await startControlPlane();
  k = new Kubectl(cp.apiserver.url);
});
afterAll(async () => {
  k?.cleanup();
  await cp?.stop();
});

const deployment = (image: string, sidecar = true) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
${sidecar ? '      - name: sidecar\n        image: busybox:1.36\n        command: [sleep, "3600"]\n' : ''}`;

const pod = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}, tier: web}
spec:
  containers:
  - name: c
    image: busybox:1.36
${extra}`;

describe('kubectl 1.32 against skiff-apiserver', () => {
  it('reports versions, API versions and resources', async () => {
    const version = await k.ok(['version']);
    expect(version).toMatch(/Server Version: v1\.32\.\d+/);
    const versions = (await k.ok(['api-versions'])).split('\n');
    expect(versions).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'coordination.k8s.io/v1']));
    const resources = await k.ok(['api-resources']);
    expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(resources).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(resources).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
  });

  it('applies a manifest, then applies an edit as a patch that merges containers by name', async () => {
    const f = k.file('deploy.yaml', deployment('nginx:1.25'));
    expect(await k.ok(['apply', '-f', f])).toContain('deployment.apps/web created');
    k.file('deploy.yaml', deployment('nginx:1.26'));
    expect(await k.ok(['apply', '-f', f])).toContain('deployment.apps/web configured');
    const containers = JSON.parse(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers}']));
    expect(containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['app=nginx:1.26', 'sidecar=busybox:1.36']);
    expect(await k.ok(['apply', '-f', f])).toContain('deployment.apps/web unchanged');
    k.file('deploy.yaml', deployment('nginx:1.26', false));
    await k.ok(['apply', '-f', f]);
    expect(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}'])).toBe('app');
  });

  it('applies server-side', async () => {
    const f = k.file('ssa.yaml', pod('ssa'));
    expect(await k.ok(['apply', '--server-side', '-f', f])).toContain('pod/ssa serverside-applied');
    const managers = await k.ok(['get', 'pod', 'ssa', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    expect(managers).toContain('kubectl');
  });

  it('creates, replaces and deletes from files', async () => {
    const f = k.file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: a\n');
    expect(await k.ok(['create', '-f', f])).toContain('configmap/settings created');
    k.file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: b\n');
    expect(await k.ok(['replace', '-f', f])).toContain('configmap/settings replaced');
    expect(await k.ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'])).toBe('b');
    expect(await k.ok(['delete', '-f', f])).toContain('configmap "settings" deleted');
    const gone = await k.run(['get', 'cm', 'settings']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
  });

  it('gets in every output format, across namespaces, by label and field', async () => {
    await k.ok(['apply', '-f', k.file('p1.yaml', pod('one'))]);
    await k.ok(['apply', '-f', k.file('p2.yaml', pod('two'))]);
    await k.ok(['create', 'namespace', 'other']);
    await k.ok(['-n', 'other', 'apply', '-f', k.file('p3.yaml', pod('three'))]);

    const table = await k.ok(['get', 'pods']);
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(table).toMatch(/^one\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    expect(await k.ok(['get', 'pods', '-o', 'wide'])).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    const all = await k.ok(['get', 'pods', '-A']);
    expect(all).toMatch(/^other\s+three\s+/m);
    expect(all).toMatch(/^default\s+one\s+/m);
    expect(await k.ok(['get', 'pods', '--show-labels'])).toMatch(/^one\s+.*app=one,tier=web$/m);
    expect((await k.ok(['get', 'pods', '-l', 'app=two', '-o', 'name'])).trim()).toBe('pod/two');
    expect((await k.ok(['get', 'pods', '--field-selector', 'metadata.name=one', '-o', 'name'])).trim()).toBe('pod/one');
    const yaml = await k.ok(['get', 'pod', 'one', '-o', 'yaml']);
    expect(yaml).toMatch(/^kind: Pod$/m);
    expect(yaml).toMatch(/^  uid: [0-9a-f-]{36}$/m);
    const json = JSON.parse(await k.ok(['get', 'pods', '-o', 'json']));
    expect(json.kind).toBe('List');
    expect(await k.ok(['get', 'pod', 'one', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe('busybox:1.36');
  });

  it('lists everything in category all', async () => {
    const out = await k.ok(['get', 'all']);
    expect(out).toMatch(/^pod\/one\s+/m);
    expect(out).toMatch(/^deployment\.apps\/web\s+/m);
  });

  it('prints a change made while get -w runs', async () => {
    const child = spawn(k.binaryPath, [`--kubeconfig=${k.kubeconfig}`, `--cache-dir=${k.dir}/cache`, 'get', 'pods', '-w'], { env: { ...process.env, HOME: k.dir } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      await waitFor(() => /^two\s+/m.test(out), { timeoutMs: 20_000, what: 'the initial listing' });
      await k.ok(['label', 'pod', 'two', 'watched=yes']);
      await waitFor(() => (out.match(/^two\s+/gm) ?? []).length >= 2, { timeoutMs: 20_000, what: 'the change to be printed' });
    } finally {
      child.kill();
    }
  });

  it('labels, annotates and patches with all three patch types', async () => {
    expect(await k.ok(['label', 'pod', 'one', 'color=blue'])).toContain('pod/one labeled');
    expect(await k.ok(['annotate', 'pod', 'one', 'note=hi'])).toContain('pod/one annotated');
    expect(await k.ok(['label', 'pod', 'one', 'color-'])).toContain('pod/one unlabeled');
    expect(await k.ok(['patch', 'pod', 'one', '--type', 'merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'])).toContain('pod/one patched');
    expect(await k.ok(['patch', 'pod', 'one', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels/j","value":"2"}]'])).toContain('pod/one patched');
    expect(await k.ok(['patch', 'pod', 'one', '-p', '{"spec":{"containers":[{"name":"c","image":"busybox:1.37"}]}}'])).toContain('pod/one patched');
    expect(await k.ok(['patch', 'pod', 'one', '--type', 'merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'])).toContain('pod/one patched (no change)');
    const got = JSON.parse(await k.ok(['get', 'pod', 'one', '-o', 'json']));
    expect(got.metadata.labels).toMatchObject({ m: '1', j: '2' });
    expect(got.metadata.labels.color).toBeUndefined();
    expect(got.metadata.annotations.note).toBe('hi');
    expect(got.spec.containers[0].image).toBe('busybox:1.37');
  });

  it('scales a deployment through the scale subresource', async () => {
    expect(await k.ok(['scale', 'deployment', 'web', '--replicas=5'])).toContain('deployment.apps/web scaled');
    expect(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
  });

  it('describes a pod with its events', async () => {
    const uid = await k.ok(['get', 'pod', 'one', '-o', 'jsonpath={.metadata.uid}']);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await k.ok(['create', '-f', k.file('ev.yaml', `apiVersion: v1
kind: Event
metadata: {name: one.test}
involvedObject: {kind: Pod, name: one, namespace: default, uid: ${uid}, apiVersion: v1}
reason: Tested
message: an event for describe
type: Normal
source: {component: e2e}
firstTimestamp: "${now}"
lastTimestamp: "${now}"
count: 1
`)]);
    const out = await k.ok(['describe', 'pod', 'one']);
    expect(out).toMatch(/^Name:\s+one$/m);
    expect(out).toMatch(/Normal\s+Tested\s+.*e2e\s+an event for describe/);
  });

  it('deletes and returns once the object is gone; wait --for=delete', async () => {
    const del = await k.run(['delete', 'pod', 'two'], { timeoutMs: 20_000 });
    expect(del.code).toBe(0);
    expect(del.stdout).toContain('pod "two" deleted');
    await k.ok(['apply', '-f', k.file('p4.yaml', pod('four'))]);
    await k.ok(['patch', 'pod', 'four', '--type', 'merge', '-p', '{"metadata":{"finalizers":["e2e/hold"]}}']);
    await k.ok(['delete', 'pod', 'four', '--wait=false']);
    const waiting = k.run(['wait', '--for=delete', 'pod/four', '--timeout=30s']);
    await k.ok(['patch', 'pod', 'four', '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']);
    const waited = await waiting;
    expect(waited.code).toBe(0);
    expect(await k.run(['get', 'pod', 'four'])).toMatchObject({ code: 1 });
  });

  it('prints the field errors of an invalid manifest', async () => {
    const bad = await k.run(['apply', '-f', k.file('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: c\n')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The Pod "Bad_Name" is invalid');
    expect(bad.stderr).toContain('* metadata.name: Invalid value: "Bad_Name"');
    expect(bad.stderr).toContain('* spec.containers[0].image: Required value');
    const typo = await k.run(['apply', '-f', k.file('typo.yaml', pod('typo').replace('image:', 'imagee:'))]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown field "spec.containers[0].imagee"');
  });

  it('creates a role and a binding, prints them as kubectl does, and keeps roleRef immutable', async () => {
    expect(await k.ok(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods,pods/log'])).toContain('role.rbac.authorization.k8s.io/pod-reader created');
    const bind = ['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--user=alice', '--group=devs', '--serviceaccount=default:ci'];
    expect(await k.ok(bind)).toContain('rolebinding.rbac.authorization.k8s.io/read-pods created');
    const wide = await k.ok(['get', 'rolebindings', '-o', 'wide']);
    expect(wide).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
    expect(wide).toMatch(/^read-pods\s+Role\/pod-reader\s+\d+s\s+alice\s+devs\s+default\/ci$/m);
    expect(await k.ok(['get', 'roles'])).toMatch(/^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const rules = JSON.parse(await k.ok(['get', 'role', 'pod-reader', '-o', 'jsonpath={.rules}']));
    expect(rules).toEqual([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }]);
    const moved = await k.run(['patch', 'rolebinding', 'read-pods', '--type', 'merge', '-p', '{"roleRef":{"name":"other"}}']);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('cannot change roleRef');
  });

  it('explains fields from the OpenAPI document', async () => {
    const out = await k.ok(['explain', 'pod.spec']);
    expect(out).toMatch(/KIND:\s+Pod/);
    expect(out).toMatch(/containers\s+<\[\]Container> -required-/);
  });
});
