import { execFile, spawn } from 'node:child_process';
import { startControlPlane, TestControllerManager, waitFor, writeTestKubeconfig, type TestControlPlane } from '@skiff/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Real etcd + apiserver + the built skiff-controller-manager, by PID. Only this controllers run, so the
// garbage collector alone acts on owner references.
const controllers = '--controllers=namespace,garbagecollector,serviceaccount,podgc';
const bin = path.join(__dirname, '..', 'bin', 'skiff-controller-manager.js');

let cp: TestControlPlane;
let cm: TestControllerManager;
let dir: string;

async function api(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(cp.apiserver.url + apiPath, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const configMap = (name: string, owner?: { name: string; uid: string }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.name, uid: owner.uid, blockOwnerDeletion: true }] } : {}) },
  data: { k: 'v' },
});

async function createNamespace(name: string): Promise<void> {
  expect((await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).status).toBe(201);
}

function run(command: string, args: string[], timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, env: { ...process.env, HOME: dir } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  cp = await startControlPlane();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cm-e2e-'));
  cm = await TestControllerManager.start(cp, { args: [controllers] });
}, 60_000);

afterAll(async () => {
  await cm?.stop();
  await cp?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('skiff-controller-manager', () => {
  it('serves /healthz and /metrics with controller and process metrics', async () => {
    const health = await fetch(`${cm.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    const metrics = await (await fetch(`${cm.url}/metrics`)).text();
    expect(metrics).toContain('controller_reconcile_duration_seconds');
    expect(metrics).toContain('workqueue_depth');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('creates the default ServiceAccount in a new namespace', async () => {
    await createNamespace('fresh');
    await waitFor(async () => (await api('GET', '/api/v1/namespaces/fresh/serviceaccounts/default')).status === 200, { what: 'default ServiceAccount', timeoutMs: 10_000 });
  });

  it('empties a deleted namespace and lets it go: kubectl delete ns returns', async () => {
    await createNamespace('doomed');
    for (const name of ['a', 'b']) expect((await api('POST', '/api/v1/namespaces/doomed/configmaps', configMap(name))).status).toBe(201);
    expect((await api('POST', '/api/v1/namespaces/doomed/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } })).status).toBe(201);
    const kubeconfig = writeTestKubeconfig(cp, dir);
    const res = await run('kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'cache')}`, 'delete', 'namespace', 'doomed', '--timeout=15s']);
    expect(res).toMatchObject({ code: 0, stdout: expect.stringContaining('namespace "doomed" deleted') });
    expect((await api('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
    expect((await api('GET', '/api/v1/namespaces/doomed/configmaps')).body.items ?? []).toEqual([]);
  }, 25_000);

  it('background deletion of an owner cascades to its dependents', async () => {
    const owner = (await api('POST', '/api/v1/namespaces/default/configmaps', configMap('owner'))).body;
    for (const name of ['dep-1', 'dep-2']) expect((await api('POST', '/api/v1/namespaces/default/configmaps', configMap(name, { name: 'owner', uid: owner.metadata.uid }))).status).toBe(201);
    expect((await api('POST', '/api/v1/namespaces/default/configmaps', configMap('bystander'))).status).toBe(201);
    expect((await api('DELETE', '/api/v1/namespaces/default/configmaps/owner', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' })).status).toBe(200);
    await waitFor(async () => (await api('GET', '/api/v1/namespaces/default/configmaps/dep-1')).status === 404 && (await api('GET', '/api/v1/namespaces/default/configmaps/dep-2')).status === 404, {
      what: 'dependents collected',
      timeoutMs: 10_000,
    });
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/bystander')).status).toBe(200);
  });

  it('foreground deletion removes the dependents first, then the owner', async () => {
    const owner = (await api('POST', '/api/v1/namespaces/default/configmaps', configMap('fg-owner'))).body;
    expect((await api('POST', '/api/v1/namespaces/default/configmaps', configMap('fg-dep', { name: 'fg-owner', uid: owner.metadata.uid }))).status).toBe(201);
    expect((await api('DELETE', '/api/v1/namespaces/default/configmaps/fg-owner', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' })).status).toBe(200);
    await waitFor(async () => (await api('GET', '/api/v1/namespaces/default/configmaps/fg-owner')).status === 404, { what: 'owner finalized', timeoutMs: 10_000 });
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/fg-dep')).status).toBe(404);
  });

  it('runs controllers only while it holds the lease, and stops cleanly on SIGTERM', async () => {
    const leader = await TestControllerManager.start(cp, { args: [controllers, '--leader-elect'] });
    const lease = await waitFor(async () => {
      const r = await api('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/skiff-controller-manager');
      return r.status === 200 && r.body.spec?.holderIdentity ? r.body : undefined;
    }, { what: 'lease held' });
    expect(lease.spec.holderIdentity).toContain(os.hostname());
    const follower = await TestControllerManager.start(cp, { args: [controllers, '--leader-elect'], waitUntilRunning: false });
    await new Promise((r) => setTimeout(r, 500));
    expect((await fetch(`${follower.url}/readyz`)).status).toBe(503);
    await follower.stop();
    await leader.stop();
    expect(leader.exitCode).toBe(0);
  }, 30_000);

  it('exits 2 with one line for an unknown controller name', async () => {
    const child = spawn(process.execPath, [bin, '--controllers=*,-bogus'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('unknown controller "bogus"')]);
  });
});
