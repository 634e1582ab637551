import { Kubectl, TestHAControlPlane, TestHollowKubelet, waitFor, type TestApiserver } from '@skiff/testing';

jest.setTimeout(240_000);

// A highly available control plane on one machine: 3 etcd members, 2 apiservers on all of them, 2 schedulers and
// 2 controller-managers with leader election (short leases), spread over the apiservers, and 3 hollow nodes.
// Mid-rollout the leading scheduler, the leading controller-manager and the etcd raft leader are killed with SIGKILL;
// the rollout must still finish with exactly the wanted pods, none lost, duplicated or bound twice.
const leaseDurationMs = 4000;
const leaderElection = [`--leader-elect-lease-duration=${leaseDurationMs / 1000}s`, '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=500ms'];
const replicas = 12;

interface Meta {
  name: string;
  uid: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ uid: string; kind: string }>;
  deletionTimestamp?: string;
}
interface Pod {
  metadata: Meta;
  spec: { nodeName?: string; containers: Array<{ image: string }> };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}
interface ReplicaSet {
  metadata: Meta;
  spec: { replicas?: number; template: { spec: { containers: Array<{ image: string }> } } };
  status?: { replicas?: number };
}
interface Deployment {
  metadata: Meta;
  spec: { replicas: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number };
}

let cp: TestHAControlPlane;
const nodes: TestHollowKubelet[] = [];
const kubectls: Kubectl[] = [];

async function api(server: TestApiserver, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': method === 'PATCH' ? 'application/strategic-merge-patch+json' : 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const read = async <T>(path: string): Promise<T> => {
  const r = await api(cp.liveApiserver, 'GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
};
const webPods = async () => (await read<{ items: Pod[] }>('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items;
const webReplicaSets = async () => (await read<{ items: ReplicaSet[] }>('/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb')).items;
const imageOf = (rs: ReplicaSet) => rs.spec.template.spec.containers[0].image;

function deployment(image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      // One surge pod at a time, each available for a second: the rollout lasts long enough to be interrupted.
      minReadySeconds: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

/** Lists the web pods over and over until stopped: the fewest Ready and the most live (not terminating) ones seen. */
function sampleWebPods(): { stop(): Promise<{ samples: number; minReady: number; maxLive: number }> } {
  let stopped = false;
  const seen = { samples: 0, minReady: Infinity, maxLive: 0 };
  const loop = (async () => {
    while (!stopped) {
      try {
        const live = (await webPods()).filter((p) => !p.metadata.deletionTimestamp);
        const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        seen.samples++;
        seen.minReady = Math.min(seen.minReady, ready.length);
        seen.maxLive = Math.max(seen.maxLive, live.length);
      } catch {
        // An apiserver read may fail while etcd elects a leader; the next sample counts.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return seen;
    },
  };
}

/** Several writes through one apiserver: each picks an etcd member at random, so a dead one is met on the way. */
async function writeThrough(server: TestApiserver, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${i}`;
    const created = await api(server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name }, data: { n: String(i) } });
    expect({ name, status: created.status }).toEqual({ name, status: 201 });
    const got = await api(server, 'GET', `/api/v1/namespaces/default/configmaps/${name}`);
    expect(got.body.data).toEqual({ n: String(i) });
  }
}

beforeAll(async () => {
  cp = await TestHAControlPlane.start({ leaderElectionArgs: leaderElection });
  for (let i = 0; i < 3; i++) {
    nodes.push(await TestHollowKubelet.start({ controlPlane: cp.via(i), nodeName: `ha-node-${i}`, args: ['--node-status-update-frequency=1s'] }));
  }
  for (const n of nodes) await n.waitUntilReady();
}, 120_000);

afterAll(async () => {
  for (const k of kubectls) k.cleanup();
  await Promise.all(nodes.map((n) => n.stop()));
  await cp?.stop();
});

describe('a highly available control plane', () => {
  it('spreads its replicas over both apiservers with one leader per Lease', async () => {
    expect(cp.etcd.members).toHaveLength(3);
    expect(cp.apiservers).toHaveLength(2);
    const scheduler = await cp.leader('scheduler');
    const cm = await cp.leader('controller-manager');
    expect(cp.schedulers).toContain(scheduler);
    expect(cp.controllerManagers).toContain(cm);
    // Only the leading controller-manager runs controllers; the follower reports not ready.
    const follower = cp.controllerManagers.find((c) => c !== cm)!;
    expect((await fetch(`${follower.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${cm.url}/readyz`)).status).toBe(200);
  });

  it('finishes a rollout with no pod lost, duplicated or bound twice after the leaders and an etcd member are killed mid-way', async () => {
    const [apiA, apiB] = cp.apiservers;
    expect((await api(apiA, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('registry.k8s.io/pause:3.9'))).status).toBe(201);
    await waitFor(
      async () => {
        const d = await read<Deployment>('/apis/apps/v1/namespaces/default/deployments/web');
        return d.status?.availableReplicas === replicas && d.status.updatedReplicas === replicas;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `the first ${replicas} replicas to be available` },
    );

    const sampler = sampleWebPods();
    const patched = await api(apiB, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } } },
    });
    expect(patched.status).toBe(200);
    // Mid-rollout: the new ReplicaSet has started but the old one still has pods.
    await waitFor(
      async () => {
        const sets = await webReplicaSets();
        const next = sets.find((rs) => imageOf(rs) === 'registry.k8s.io/pause:3.10');
        const old = sets.find((rs) => imageOf(rs) === 'registry.k8s.io/pause:3.9');
        return next && (next.status?.replicas ?? 0) > 0 && (old?.spec.replicas ?? 0) > 0;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: 'the rollout to be under way' },
    );

    const oldScheduler = await cp.leader('scheduler');
    const oldCM = await cp.leader('controller-manager');
    const etcdLeader = await cp.etcd.leader();
    const killedAt = Date.now();
    await Promise.all([oldScheduler.kill(), oldCM.kill(), cp.etcd.kill(etcdLeader)]);

    // While one etcd member is down (quorum 2 of 3), writes succeed through both apiservers. (A write in flight to
    // the killed raft leader may time out; etcd answers again once the other two have elected a leader.)
    const newEtcdLeader = await cp.etcd.leader();
    const etcdElectionMs = Date.now() - killedAt;
    expect(newEtcdLeader).not.toBe(etcdLeader);
    await writeThrough(apiA, 'while-member-down-a', 15);
    await writeThrough(apiB, 'while-member-down-b', 15);

    const newScheduler = await cp.leader('scheduler', 30_000);
    const newCM = await cp.leader('controller-manager', 30_000);
    expect(newScheduler).not.toBe(oldScheduler);
    expect(newCM).not.toBe(oldCM);
    // Takeover time from the Leases themselves: the new holder's acquireTime, on this machine's clock.
    const acquiredAfter = async (lease: string) => {
      const l = await read<{ spec: { acquireTime: string; leaseTransitions: number } }>(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`);
      expect(l.spec.leaseTransitions).toBeGreaterThanOrEqual(1);
      return Date.parse(l.spec.acquireTime) - killedAt;
    };
    const schedulerTakeoverMs = await acquiredAfter('kube-scheduler');
    const cmTakeoverMs = await acquiredAfter('skiff-controller-manager');
    expect(schedulerTakeoverMs).toBeGreaterThan(0);
    expect(cmTakeoverMs).toBeGreaterThan(0);
    process.stdout.write(
      `HA failover after SIGKILL: scheduler Lease taken over after ${schedulerTakeoverMs} ms, controller-manager after ${cmTakeoverMs} ms ` +
        `(lease duration ${leaseDurationMs} ms); etcd leader re-elected within ${etcdElectionMs} ms\n`,
    );

    const kubectl = new Kubectl(apiA.url);
    kubectls.push(kubectl);
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--namespace=default', '--timeout=90s'], { timeoutMs: 100_000 });
    const seen = await sampler.stop();
    // Throughout, with maxUnavailable 0 and maxSurge 2: never fewer than 12 Ready pods (none lost), never more than
    // 14 live ones (none created twice by a new leader with a fresh cache).
    process.stdout.write(`HA rollout: ${seen.samples} samples, fewest Ready pods ${seen.minReady}, most live pods ${seen.maxLive}\n`);
    expect(seen.samples).toBeGreaterThan(10);
    expect(seen.minReady).toBeGreaterThanOrEqual(replicas);
    expect(seen.maxLive).toBeLessThanOrEqual(replicas + 2);

    const d = await read<Deployment>('/apis/apps/v1/namespaces/default/deployments/web');
    expect(d.status).toMatchObject({ observedGeneration: d.metadata.generation, replicas, updatedReplicas: replicas, availableReplicas: replicas });

    const sets = await webReplicaSets();
    const next = sets.find((rs) => imageOf(rs) === 'registry.k8s.io/pause:3.10')!;
    const old = sets.find((rs) => imageOf(rs) === 'registry.k8s.io/pause:3.9')!;
    expect(sets).toHaveLength(2);
    expect(next.spec.replicas).toBe(replicas);
    expect(old.spec.replicas).toBe(0);

    // The old pods finish terminating on their nodes; then exactly the new ReplicaSet's pods remain, each once.
    const pods = await waitFor(
      async () => {
        const all = await webPods();
        return all.length === replicas && all.every((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running') ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `exactly ${replicas} Running web pods` },
    );
    expect(pods.every((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.uid === next.metadata.uid))).toBe(true);
    expect(pods.every((p) => p.spec.containers[0].image === 'registry.k8s.io/pause:3.10')).toBe(true);
    expect(new Set(pods.map((p) => p.metadata.name)).size).toBe(replicas);
    expect(new Set(pods.map((p) => p.metadata.uid)).size).toBe(replicas);
    const nodeNames = new Set(nodes.map((n) => n.nodeName));
    expect(pods.every((p) => p.spec.nodeName !== undefined && nodeNames.has(p.spec.nodeName))).toBe(true);

    // Each pod was bound once: no pod has two Scheduled events, and a second binding is refused.
    const events = (await read<{ items: Array<{ reason?: string; count?: number; involvedObject: { uid?: string } }> }>('/api/v1/namespaces/default/events')).items;
    const scheduledPerPod = new Map<string, number>();
    for (const e of events) {
      if (e.reason === 'Scheduled' && e.involvedObject.uid) scheduledPerPod.set(e.involvedObject.uid, (scheduledPerPod.get(e.involvedObject.uid) ?? 0) + (e.count ?? 1));
    }
    expect(pods.filter((p) => scheduledPerPod.has(p.metadata.uid)).length).toBeGreaterThan(0);
    expect([...scheduledPerPod.values()].filter((n) => n > 1)).toEqual([]);
    const target = pods[0];
    const other = [...nodeNames].find((n) => n !== target.spec.nodeName)!;
    for (const server of [apiA, apiB]) {
      const rebind = await api(server, 'POST', `/api/v1/namespaces/default/pods/${target.metadata.name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: target.metadata.name },
        target: { apiVersion: 'v1', kind: 'Node', name: other },
      });
      expect(rebind.status).toBe(409);
    }
    expect((await read<Pod>(`/api/v1/namespaces/default/pods/${target.metadata.name}`)).spec.nodeName).toBe(target.spec.nodeName);

    // The surviving replicas hold the Leases.
    expect(await cp.leaseHolder('scheduler')).toBe(await newScheduler.leaseIdentity);
    expect(await cp.leaseHolder('controller-manager')).toBe(await newCM.leaseIdentity);

    // The killed member comes back and catches up with what was written while it was down.
    const backAt = Date.now();
    await cp.etcd.restart(etcdLeader);
    await cp.etcd.waitUntilHealthy();
    process.stdout.write(`HA: killed etcd member healthy again ${Date.now() - backAt} ms after restart\n`);
    const key = Buffer.from('/registry/configmaps/default/while-member-down-b-14').toString('base64');
    await waitFor(
      async () => {
        // serializable: answered from the member's own copy, not forwarded to the leader.
        const res = await fetch(`${etcdLeader.endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key, serializable: true }) });
        return ((await res.json()) as { kvs?: unknown[] }).kvs?.length === 1;
      },
      { what: 'the restarted member to have what was written while it was down' },
    );
  });

  it('keeps the cluster working through one apiserver when the other is killed', async () => {
    const [apiA, apiB] = cp.apiservers;
    // Replicas on apiserver A besides the leaders (which may be on B), as a second control-plane machine would run.
    await cp.addScheduler(0);
    await cp.addControllerManager(0);
    const leadersBefore = [await cp.leader('scheduler'), await cp.leader('controller-manager')];
    const killedAt = Date.now();
    await apiB.kill();
    expect(apiB.running).toBe(false);
    const kubectl = new Kubectl(apiA.url);
    kubectls.push(kubectl);
    await kubectl.ok(['create', 'configmap', 'after-apiserver-loss', '--from-literal=k=v', '--namespace=default']);
    expect(await kubectl.ok(['get', 'configmap', 'after-apiserver-loss', '-o', 'jsonpath={.data.k}', '--namespace=default'])).toBe('v');

    // Leaders that talked to B cannot renew and step down; replicas on A take over and keep reconciling. The node
    // whose kubelet talked to B can no longer start pods, so it is cordoned first.
    const lostNode = nodes[1].nodeName;
    await kubectl.ok(['cordon', lostNode]);
    const before = new Set((await webPods()).map((p) => p.metadata.uid));
    await kubectl.ok(['scale', 'deployment/web', '--replicas=15', '--namespace=default']);
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--namespace=default', '--timeout=60s'], { timeoutMs: 70_000 });
    const pods = (await webPods()).filter((p) => !p.metadata.deletionTimestamp);
    const added = pods.filter((p) => !before.has(p.metadata.uid));
    expect(pods).toHaveLength(15);
    expect(added).toHaveLength(3);
    expect(added.every((p) => p.status?.phase === 'Running' && p.spec.nodeName !== lostNode)).toBe(true);
    // Whoever leads now is a running replica (cp.leader only answers with one).
    const leadersAfter = [await cp.leader('scheduler'), await cp.leader('controller-manager')];
    const moved = ['scheduler', 'controller-manager'].filter((_, i) => leadersAfter[i] !== leadersBefore[i]);
    process.stdout.write(`HA apiserver loss: leadership moved for [${moved.join(', ')}]; scaled to 15 in ${Date.now() - killedAt} ms after the kill\n`);
  });
});
