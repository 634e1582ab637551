import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlPlane, TestControllerManager, waitFor, writeTestKubeconfig, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(60_000);

// Real etcd + apiserver + the built skiff-controller-manager with every controller, driven by the real kubectl.
// No scheduler or kubelet runs: a stand-in loop reports each pod Running and Ready with an IP, as a kubelet would.
let cp: TestControlPlane;
let cm: TestControllerManager;
let dir: string;
let kubeconfig: string;
let kubeletLoop: NodeJS.Timeout | undefined;

interface Meta {
  name: string;
  uid: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ uid: string }>;
  deletionTimestamp?: string;
}
interface PodLike {
  metadata: Meta;
  spec: { containers: Array<{ name: string; image: string }> };
  status?: { podIP?: string; phase?: string };
}
interface ReplicaSetLike {
  metadata: Meta;
  spec: { replicas?: number; template: { spec: { containers: Array<{ image: string }> } } };
}

async function api(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(cp.apiserver.url + apiPath, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const listPods = async (): Promise<PodLike[]> => (await api('GET', '/api/v1/namespaces/default/pods')).body.items;
const listReplicaSets = async (): Promise<ReplicaSetLike[]> => (await api('GET', '/apis/apps/v1/namespaces/default/replicasets')).body.items;
const revision = (rs: ReplicaSetLike) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'];

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'cache')}`, '--namespace=default', ...args], { timeout: 25_000, env: { ...process.env, HOME: dir } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

/** Every 100 ms: each new pod gets phase Running, a Ready condition, ready containers and its own pod IP. */
function startFakeKubelet(): void {
  const readied = new Set<string>();
  let nextIp = 10;
  let busy = false;
  kubeletLoop = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const p of await listPods()) {
        if (readied.has(p.metadata.uid) || p.metadata.deletionTimestamp) continue;
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const res = await api('PATCH', `/api/v1/namespaces/default/pods/${p.metadata.name}/status`, {
          status: {
            phase: 'Running',
            podIP: `10.244.0.${nextIp}`,
            podIPs: [{ ip: `10.244.0.${nextIp}` }],
            conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
            containerStatuses: p.spec.containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
          },
        });
        if (res.status === 200) {
          readied.add(p.metadata.uid);
          nextIp++;
        }
      }
    } catch {
      // The next tick retries; the apiserver may be shutting down at the end of the suite.
    } finally {
      busy = false;
    }
  }, 100);
}

beforeAll(async () => {
  cp = await startControlPlane();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cm-workloads-'));
  kubeconfig = writeTestKubeconfig(cp, dir);
  cm = await TestControllerManager.start(cp);
  startFakeKubelet();
}, 60_000);

afterAll(async () => {
  if (kubeletLoop) clearInterval(kubeletLoop);
  await cm?.stop();
  await cp?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('runs a Deployment through kubectl: rollout, set image, undo, Service endpoints, cascading delete', async () => {
  const manifest = path.join(dir, 'web.yaml');
  fs.writeFileSync(
    manifest,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default' },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } },
          },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } },
      ],
    }),
  );
  // kubectl validates a `kind: List` file on the client, against the protobuf /openapi/v2.
  expect(await kubectl('apply', '-f', manifest)).toMatchObject({ code: 0, stdout: expect.stringContaining('deployment.apps/web created') });

  const first = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
  expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('deployment "web" successfully rolled out') });
  const [rs1] = await listReplicaSets();
  expect(await listReplicaSets()).toHaveLength(1);
  expect(rs1.spec.replicas).toBe(3);
  const pods1 = await listPods();
  expect(pods1).toHaveLength(3);
  expect(pods1.every((p) => p.metadata.ownerReferences?.[0].uid === rs1.metadata.uid)).toBe(true);

  // The endpoint controller publishes exactly the ready pods' IPs.
  const endpointIps = async () => ((await api('GET', '/api/v1/namespaces/default/endpoints/web')).body?.subsets ?? []).flatMap((s: { addresses?: Array<{ ip: string }> }) => (s.addresses ?? []).map((a) => a.ip)).sort();
  const podIps = async () => (await listPods()).filter((p) => !p.metadata.deletionTimestamp && p.status?.podIP).map((p) => p.status!.podIP!).sort();
  await waitFor(async () => JSON.stringify(await endpointIps()) === JSON.stringify(await podIps()) && (await endpointIps()).length === 3, { what: 'Endpoints listing the 3 pod IPs', timeoutMs: 10_000 });

  expect(await kubectl('set', 'image', 'deployment/web', 'c=nginx:1.27')).toMatchObject({ code: 0, stdout: expect.stringContaining('image updated') });
  expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toMatchObject({ code: 0, stdout: expect.stringContaining('successfully rolled out') });
  const afterSetImage = await listReplicaSets();
  expect(afterSetImage).toHaveLength(2);
  const rs2 = afterSetImage.find((rs) => rs.metadata.uid !== rs1.metadata.uid)!;
  expect(rs2.spec).toMatchObject({ replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.27' }] } } });
  expect(afterSetImage.find((rs) => rs.metadata.uid === rs1.metadata.uid)!.spec.replicas).toBe(0);
  await waitFor(async () => (await listPods()).length === 3, { what: 'the old pods to go', timeoutMs: 10_000 });
  expect((await listPods()).every((p) => p.spec.containers[0].image === 'nginx:1.27')).toBe(true);

  expect(await kubectl('rollout', 'undo', 'deployment/web')).toMatchObject({ code: 0, stdout: expect.stringContaining('rolled back') });
  expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toMatchObject({ code: 0, stdout: expect.stringContaining('successfully rolled out') });
  const afterUndo = await listReplicaSets();
  expect(afterUndo).toHaveLength(2);
  const back = afterUndo.find((rs) => rs.metadata.uid === rs1.metadata.uid)!;
  expect(back.spec.replicas).toBe(3);
  expect(revision(back)).toBe('3');
  expect(afterUndo.find((rs) => rs.metadata.uid === rs2.metadata.uid)!.spec.replicas).toBe(0);
  await waitFor(async () => (await listPods()).length === 3 && (await listPods()).every((p) => p.spec.containers[0].image === 'nginx:1.25'), {
    what: 'only nginx:1.25 pods after the undo',
    timeoutMs: 10_000,
  });
  await waitFor(async () => JSON.stringify(await endpointIps()) === JSON.stringify(await podIps()) && (await endpointIps()).length === 3, { what: 'Endpoints following the undo', timeoutMs: 10_000 });

  // kubectl delete uses background propagation: the garbage collector removes the ReplicaSets, then their pods.
  expect(await kubectl('delete', 'deployment', 'web')).toMatchObject({ code: 0, stdout: expect.stringContaining('deployment.apps "web" deleted') });
  await waitFor(async () => (await listReplicaSets()).length === 0 && (await listPods()).length === 0, { what: 'ReplicaSets and Pods collected', timeoutMs: 15_000 });
  await waitFor(async () => (await endpointIps()).length === 0, { what: 'Endpoints emptied', timeoutMs: 10_000 });
  expect(cm.running).toBe(true);
});
