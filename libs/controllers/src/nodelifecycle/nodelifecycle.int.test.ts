import { formatMicroTime, formatTime, leases, nodes, pods, type Lease, type Node, type Pod } from '@skiff/api';
import { HttpKubeClient, InformerFactory, EventRecorder, isNotFound, realClock } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { defaultControllerOptions } from '../controller';
import { NodeLifecycleController } from './nodelifecycle-controller';

jest.setTimeout(60_000);

// A real etcd + apiserver, the controller in-process over HTTP with a 2 s grace period and the real clock.
let cp: TestControlPlane;
let client: HttpKubeClient;
let informers: InformerFactory;
let controller: NodeLifecycleController;
let renewer: NodeJS.Timeout | undefined;

const renewNow = () => formatMicroTime(new Date());

async function addNode(name: string): Promise<void> {
  await client.create<Node>(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  const now = formatTime();
  await client.patch(nodes, undefined, name, 'merge', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } }, { subresource: 'status' });
  await client.create<Lease>(leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 2, renewTime: renewNow() } });
}

const podOn = (name: string, nodeName: string, tolerationSeconds?: number): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox:1.36' }], tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }] },
});

async function podGone(name: string): Promise<boolean> {
  try {
    const p = await client.get<Pod>(pods, 'default', name);
    return !!p.metadata.deletionTimestamp;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

beforeAll(async () => {
  cp = await startControlPlane();
  client = new HttpKubeClient({ server: cp.apiserver.url, namespace: 'default' });
});
afterAll(async () => {
  if (renewer) clearInterval(renewer);
  await controller?.stop();
  informers?.stop();
  client?.close();
  await cp?.stop();
});

it('taints a node whose Lease stops being renewed, marks it Unknown and evicts the pods that stop tolerating it', async () => {
  await addNode('silent');
  await addNode('alive');
  renewer = setInterval(() => void client.patch(leases, 'kube-node-lease', 'alive', 'merge', { spec: { renewTime: renewNow() } }).catch(() => undefined), 300);
  await client.create(pods, 'default', podOn('brief', 'silent', 1));
  await client.create(pods, 'default', podOn('forever', 'silent'));

  informers = new InformerFactory(client, { clock: realClock });
  const recorder = new EventRecorder(client, { component: 'nodelifecycle' }, realClock);
  controller = new NodeLifecycleController({
    client,
    informers,
    recorder: () => recorder,
    clock: realClock,
    logger: silentLogger(),
    options: { ...defaultControllerOptions, nodeMonitorGracePeriodMs: 2_000, nodeMonitorPeriodMs: 500 },
  });
  informers.start();
  await informers.waitForSync();
  const started = Date.now();
  controller.run(1);

  const tainted = await waitFor(
    async () => {
      const n = await client.get<Node>(nodes, undefined, 'silent');
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.timeAdded) ? n : undefined;
    },
    { timeoutMs: 8_000, what: 'the unreachable taint' },
  );
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  expect(tainted.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });

  await waitFor(() => podGone('brief'), { timeoutMs: 5_000, what: 'the pod tolerating 1 s to be deleted' });
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await podGone('forever')).toBe(false);
  const alive = await client.get<Node>(nodes, undefined, 'alive');
  expect(alive.spec?.taints ?? []).toEqual([]);
  expect(alive.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
});
