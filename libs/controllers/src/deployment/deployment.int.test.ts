import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deployments, pods, replicasets, type Deployment, type Pod, type ReplicaSet } from '@skiff/api';
import { EventRecorder, HttpKubeClient, InformerFactory, realClock } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { ReplicaSetController } from '../replicaset/replicaset-controller';
import { DeploymentController } from './deployment-controller';

jest.setTimeout(60_000);

const run = promisify(execFile);

// A real etcd + apiserver; both controllers in-process over HTTP; a stand-in kubelet marks pods Ready; real kubectl.
let cp: TestControlPlane;
let client: HttpKubeClient;
let informers: InformerFactory;
let controllers: Array<ReplicaSetController | DeploymentController> = [];
let kubeletLoop: NodeJS.Timeout | undefined;
let kubeletPass: Promise<void> | undefined;
let tmp: string;

const revision = (rs: ReplicaSet) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', [`--kubeconfig=${path.join(tmp, 'kubeconfig')}`, `--cache-dir=${path.join(tmp, 'cache')}`, ...args], { timeout: 25_000 });
  return stdout;
}

/** What a kubelet would report once a pod's containers run: phase Running, Ready, containers ready. */
function startKubelet(): void {
  const readied = new Set<string>();
  let busy = false;
  kubeletLoop = setInterval(() => {
    if (busy) return;
    busy = true;
    // A failed pass is retried on the next tick, as a kubelet retries its status updates.
    kubeletPass = readyPods(readied)
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, 100);
}

/** One pass of the stand-in kubelet; teardown waits for the pass in flight before closing the client. */
async function readyPods(readied: Set<string>): Promise<void> {
  const list = await client.list<Pod>(pods, 'default');
  for (const p of list.items) {
    if (readied.has(p.metadata.uid!) || p.metadata.deletionTimestamp) continue;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await client.patch(pods, 'default', p.metadata.name!, 'merge', {
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
        containerStatuses: p.spec.containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
      },
    }, { subresource: 'status' }).catch(() => undefined);
    readied.add(p.metadata.uid!);
  }
}

beforeAll(async () => {
  cp = await startControlPlane();
  client = new HttpKubeClient({ server: cp.apiserver.url, namespace: 'default' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-deploy-'));
  fs.writeFileSync(
    path.join(tmp, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: test, cluster: {server: "${cp.apiserver.url}"}}]`,
      'users: [{name: test, user: {}}]',
      'contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]',
      'current-context: test',
      '',
    ].join('\n'),
  );
  informers = new InformerFactory(client, { clock: realClock });
  const recorder = new EventRecorder(client, { component: 'controller-manager' }, realClock);
  const ctx: ControllerContext = { client, informers, recorder: () => recorder, clock: realClock, logger: silentLogger(), options: defaultControllerOptions };
  controllers = [new ReplicaSetController(ctx), new DeploymentController(ctx)];
  informers.start();
  await informers.waitForSync();
  for (const c of controllers) c.run(2);
  startKubelet();
});

afterAll(async () => {
  if (kubeletLoop) clearInterval(kubeletLoop);
  await kubeletPass;
  for (const c of controllers) await c.stop();
  informers?.stop();
  client?.close();
  await cp?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

it('rolls a Deployment out and back on a real apiserver, as kubectl rollout status and history see it', async () => {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    },
  };
  await client.create(deployments, 'default', d);
  const setsOf = async () => (await client.list<ReplicaSet>(replicasets, 'default')).items;
  const firstReady = await waitFor(
    async () => {
      const cur = await client.get<Deployment>(deployments, 'default', 'web');
      return cur.status?.availableReplicas === 3 && cur.status.updatedReplicas === 3 ? cur : undefined;
    },
    { what: 'the first rollout', timeoutMs: 10_000 },
  );
  expect(firstReady.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  const [first] = await setsOf();
  const hash = first.metadata.labels?.['pod-template-hash'];
  expect(first.metadata.name).toBe(`web-${hash}`);
  const podList = (await client.list<Pod>(pods, 'default')).items;
  expect(podList).toHaveLength(3);
  expect(podList.every((p) => p.metadata.labels?.['pod-template-hash'] === hash && p.metadata.ownerReferences?.[0].uid === first.metadata.uid)).toBe(true);

  // Watch the bounds while the image changes: never more than 3 + maxSurge pods wanted, never fewer than 3 available.
  let maxWanted = 0;
  let minAvailable = Infinity;
  let watching = true;
  const monitor = (async () => {
    while (watching) {
      const [sets, cur] = await Promise.all([setsOf(), client.get<Deployment>(deployments, 'default', 'web')]);
      maxWanted = Math.max(maxWanted, sets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0));
      minAvailable = Math.min(minAvailable, cur.status?.availableReplicas ?? 0);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  await client.patch(deployments, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } });
  const status = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
  watching = false;
  await monitor;
  expect(status).toContain('deployment "web" successfully rolled out');
  expect(maxWanted).toBeLessThanOrEqual(4);
  expect(minAvailable).toBeGreaterThanOrEqual(3);
  const afterRollout = await setsOf();
  expect(afterRollout).toHaveLength(2);
  const second = afterRollout.find((rs) => rs.metadata.uid !== first.metadata.uid)!;
  expect(revision(second)).toBe('2');
  expect(second.spec.replicas).toBe(3);
  expect(afterRollout.find((rs) => rs.metadata.uid === first.metadata.uid)!.spec.replicas).toBe(0);

  // The real kubectl: its JSON patch carries the first set's template (with `creationTimestamp: null` inside).
  expect(await kubectl('rollout', 'undo', 'deployment/web')).toContain('deployment.apps/web rolled back');
  await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
  const afterUndo = await setsOf();
  expect(afterUndo).toHaveLength(2);
  const reused = afterUndo.find((rs) => rs.metadata.uid === first.metadata.uid)!;
  expect(revision(reused)).toBe('3');
  expect(reused.spec.replicas).toBe(3);
  expect(afterUndo.find((rs) => rs.metadata.uid === second.metadata.uid)!.spec.replicas).toBe(0);
  const final = await client.get<Deployment>(deployments, 'default', 'web');
  expect(final.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  expect(final.spec.template.spec.containers[0].image).toBe('nginx:1.25');
  const history = await kubectl('rollout', 'history', 'deployment/web');
  expect(history).toMatch(/^2\s/m);
  expect(history).toMatch(/^3\s/m);
  expect(history).not.toMatch(/^1\s/m);
});
