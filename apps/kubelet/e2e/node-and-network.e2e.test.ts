import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lease, Node } from '@skiff/api';
import { cidrContains, linkExists, podMasqueradeRules, routeExists, waitFor } from '@skiff/testing';
import { containerdPid, containerStatus, expectNothingLeft, isRunningAndReady, startTestNode, type TestNode } from './node-fixture';

// A real node: skiff-kubelet with its own containerd, runc and CNI bridge, driven by the real kubectl.
jest.setTimeout(180_000);

const POD_CIDR = '10.244.201.0/24';
const BRIDGE = 'skkl201';

let node: TestNode;
let hostDir: string;

beforeAll(async () => {
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-kl-host-'));
  node = await startTestNode({ podCIDR: POD_CIDR, bridge: BRIDGE });
});

afterAll(async () => {
  await node?.stop();
  if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true });
});

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

describe('the node', () => {
  it('registers Ready with the host as capacity, shows in kubectl get nodes, and renews its lease', async () => {
    const name = node.kubelet.nodeName;
    const n = JSON.parse(await node.kubectl.ok(['get', 'node', name, '-o', 'json'])) as Node;
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(n.status?.capacity).toMatchObject({ cpu: String(os.cpus().length), pods: '110' });
    expect(n.status?.capacity?.memory).toMatch(/^\d+Ki$/);
    expect(n.status?.allocatable?.pods).toBe('110');
    expect(n.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: '127.0.0.1' }]));
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(node.kubelet.port);
    expect(n.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\/\d/);
    expect(n.spec?.podCIDR).toBe(POD_CIDR);
    expect(await node.kubectl.ok(['get', 'nodes'])).toMatch(new RegExp(`^${name}\\s+Ready\\s`, 'm'));

    const leaseUrl = `${node.cp.apiserver.url}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
    const first = (await (await fetch(leaseUrl)).json()) as Lease;
    expect(first.spec?.holderIdentity).toBe(name);
    await waitFor(async () => ((await (await fetch(leaseUrl)).json()) as Lease).spec?.renewTime !== first.spec?.renewTime, {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'the node lease to be renewed',
    });
  });
});

describe('a pod on the node', () => {
  let podIP = '';
  let containerID = '';
  let startedAt = '';

  it('runs busybox httpd with a pod IP from the node CIDR that answers HTTP from the node', async () => {
    await node.apply(
      'web',
      `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: httpd
    image: busybox
    command: [sh, -c, 'echo "hello from $(hostname)" > /var/www/index.html && exec httpd -f -p 8080 -h /var/www']
    ports: [{containerPort: 8080}]
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
`,
    );
    const p = await node.waitForPod('web', isRunningAndReady, 'Running and Ready');
    expect(p.spec?.nodeName).toBe(node.kubelet.nodeName);
    podIP = p.status?.podIP ?? '';
    expect(cidrContains(POD_CIDR, podIP)).toBe(true);
    expect(p.status?.hostIP).toBe('127.0.0.1');
    const c = containerStatus(p)!;
    expect(c).toMatchObject({ name: 'httpd', ready: true, restartCount: 0 });
    expect(c.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(c.imageID).toBe(`docker.io/library/busybox@${node.images.find((i) => i.name === 'busybox')!.digest}`);
    containerID = c.containerID!;
    startedAt = c.state?.running?.startedAt ?? '';
    expect(startedAt).not.toBe('');

    // The address lives on the bridge this kubelet made for the CIDR.
    expect(routeExists(POD_CIDR)).toBe(true);
    expect(linkExists(BRIDGE)).toBe(true);
    expect(await httpGet(`http://${podIP}:8080/`)).toBe('hello from web\n');
    expect(await node.kubectl.ok(['get', 'pods', '-o', 'wide'])).toMatch(new RegExp(`^web\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${podIP.replace(/\./g, '\\.')}\\s+${node.kubelet.nodeName}\\s`, 'm'));
  });

  it('keeps running, untouched, while the kubelet restarts', async () => {
    const before = await node.kubelet.cri().listContainers();
    const oldPid = node.kubelet.pid;
    await node.kubelet.restart();
    expect(node.kubelet.pid).not.toBe(oldPid);
    await node.kubelet.waitUntilReady();
    // A pod created after the restart runs: the new kubelet has listed and synced what it found.
    await node.apply('after-restart', `apiVersion: v1\nkind: Pod\nmetadata: {name: after-restart}\nspec:\n  containers:\n  - {name: c, image: busybox, command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]}\n`);
    await node.waitForPod('after-restart', isRunningAndReady, 'Running after the kubelet restart');

    const p = await node.waitForPod('web', isRunningAndReady, 'still Running and Ready');
    const c = containerStatus(p)!;
    expect(c.containerID).toBe(containerID);
    expect(c.state?.running?.startedAt).toBe(startedAt);
    expect(c.restartCount).toBe(0);
    expect(p.status?.podIP).toBe(podIP);
    const after = await node.kubelet.cri().listContainers();
    expect(after.map((x) => x.id)).toEqual(expect.arrayContaining(before.map((x) => x.id)));
    expect(await httpGet(`http://${podIP}:8080/`)).toBe('hello from web\n');
  });

  it('is stopped gracefully on delete: the preStop hook, then SIGTERM, before kubectl delete returns', async () => {
    const events = path.join(hostDir, 'events');
    await node.apply(
      'graceful',
      `apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  terminationGracePeriodSeconds: 20
  volumes: [{name: host, hostPath: {path: ${JSON.stringify(hostDir)}, type: Directory}}]
  containers:
  - name: c
    image: busybox
    volumeMounts: [{name: host, mountPath: /host}]
    command: [sh, -c, "trap 'echo TERM >> /host/events; exit 0' TERM; echo started >> /host/events; sleep 3600 & wait"]
    lifecycle:
      preStop: {exec: {command: [sh, -c, 'echo preStop >> /host/events']}}
`,
    );
    await node.waitForPod('graceful', isRunningAndReady, 'Running');
    await waitFor(() => fs.existsSync(events) && fs.readFileSync(events, 'utf8') === 'started\n', { what: 'the container to start' });
    const sandboxes = (await node.kubelet.cri().listPodSandbox()).length;

    expect(await node.kubectl.ok(['delete', 'pod', 'graceful'], { timeoutMs: 60_000 })).toBe('pod "graceful" deleted\n');
    // kubectl waits for the object to go, which the kubelet allows only once the container has stopped.
    expect(fs.readFileSync(events, 'utf8')).toBe('started\npreStop\nTERM\n');
    expect(await node.pod('graceful')).toBeUndefined();
    await waitFor(async () => (await node.kubelet.cri().listPodSandbox()).length === sandboxes - 1, { what: 'the sandbox to be removed' });
  });
});

describe('TestKubelet.cleanup after a kubelet crash', () => {
  it('removes the pods still running under the orphaned containerd, and leaves nothing behind', async () => {
    const k = node.kubelet;
    const pids = [k.pid, containerdPid(k)];
    const sandboxIds = (await k.cri().listPodSandbox()).map((x) => x.id);
    expect(sandboxIds).toHaveLength(2);
    expect(podMasqueradeRules(POD_CIDR)).toHaveLength(2);
    await k.kill();
    // The containers outlive their kubelet: the pod still answers.
    expect(await httpGet(`http://${(await node.pod('web'))!.status!.podIP}:8080/`)).toBe('hello from web\n');

    await k.cleanup();
    expectNothingLeft(k, { podCIDR: POD_CIDR, bridge: BRIDGE, pids, sandboxIds });
  });
});
