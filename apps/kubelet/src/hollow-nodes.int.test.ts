import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { leases, nodes, pods, type Lease, type Node, type Pod } from '@skiff/api';
import { HttpKubeClient, loadClientConfig } from '@skiff/client';
import { ProcessHandle, startControlPlane, waitFor, writeTestKubeconfig, type TestControlPlane } from '@skiff/testing';

const kubeletBin = path.resolve(__dirname, '../bin/skiff-kubelet.js');

/** `--runtime=fake --hollow-nodes=3`: three nodes in one process whose containers run without processes. */
describe('hollow nodes', () => {
  let cp: TestControlPlane;
  let dir: string;
  let kubelet: ProcessHandle;
  let client: HttpKubeClient;

  beforeAll(async () => {
    cp = await startControlPlane();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-hollow-'));
    const kubeconfig = writeTestKubeconfig(cp, dir);
    client = new HttpKubeClient(loadClientConfig({ kubeconfigPath: kubeconfig }));
    kubelet = ProcessHandle.start('skiff-kubelet', process.execPath, [
      kubeletBin,
      `--kubeconfig=${kubeconfig}`,
      '--runtime=fake',
      '--hollow-nodes=3',
      '--hostname-override=hollow',
      '--address=127.0.0.1',
      '--node-ip=127.0.0.1',
      '--port=0',
      `--root-dir=${dir}/kubelet`,
      '--pod-cidr=10.250.0.0/24',
      '--node-status-update-frequency=1s',
    ]);
    await kubelet.waitForOutput(/listening on http:\/\/[\d.]+:\d+/, 30_000);
  }, 60_000);

  afterAll(async () => {
    await kubelet?.kill();
    client?.close();
    await cp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers every node, Ready, with a lease', async () => {
    const ready = await waitFor(
      async () => {
        const list = await client.list<Node>(nodes, undefined);
        const names = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name);
        return names.length === 3 ? names.sort() : undefined;
      },
      { timeoutMs: 20_000, what: 'three Ready hollow nodes' },
    );
    expect(ready).toEqual(['hollow-0', 'hollow-1', 'hollow-2']);
    const node = await client.get<Node>(nodes, undefined, 'hollow-1');
    expect(node.status?.capacity).toMatchObject({ cpu: '8', pods: '110' });
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^skiff-in-memory:\/\//);
    const lease = await client.get<Lease>(leases, 'kube-node-lease', 'hollow-1');
    expect(lease.spec?.holderIdentity).toBe('hollow-1');
  });

  it('runs a pod bound to a hollow node and finishes its deletion', async () => {
    await client.create<Pod>(pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1' },
      spec: { nodeName: 'hollow-2', containers: [{ name: 'c', image: 'busybox' }] },
    } as Pod);
    const running = await waitFor(
      async () => {
        const p = await client.get<Pod>(pods, 'default', 'p1');
        return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
      },
      { timeoutMs: 20_000, what: 'p1 Running' },
    );
    expect(running.status?.podIP).toMatch(/^10\.250\.0\./);
    expect(running.status?.hostIP).toBe('127.0.0.1');
    expect(running.status?.containerStatuses?.[0].containerID).toMatch(/^fake:\/\//);

    await client.delete(pods, 'default', 'p1');
    await waitFor(
      async () =>
        client.get(pods, 'default', 'p1').then(
          () => false,
          () => true,
        ),
      { timeoutMs: 20_000, what: 'p1 to be gone' },
    );
  });
});
