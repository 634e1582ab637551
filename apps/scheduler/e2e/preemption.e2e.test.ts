import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@skiff/testing';
import { TestCluster, pod, type PodView } from './cluster';

/** Priority admission, preemption, leader election and the program's surface, on a real etcd + apiserver. */
jest.setTimeout(60_000);

let cluster: TestCluster;
let metricsUrl: string;

beforeAll(async () => {
  cluster = await TestCluster.start();
  ({ metricsUrl } = await cluster.startScheduler());
});
afterAll(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  await cluster.reset(metricsUrl);
});

async function priorityClass(name: string, value: number, extra: Record<string, unknown> = {}): Promise<void> {
  await cluster.must('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name, labels: { test: 'e2e' } },
    value,
    ...extra,
  });
}

describe('priority admission', () => {
  it('resolves priorityClassName into spec.priority, the built-in classes included', async () => {
    await priorityClass('high', 1000);
    const created = (await cluster.createPod(pod('hp', { spec: { priorityClassName: 'high' } }))) as unknown as PodView;
    expect([created.spec.priority, created.spec.preemptionPolicy]).toEqual([1000, 'PreemptLowerPriority']);
    const critical = (await cluster.createPod(pod('crit', { spec: { priorityClassName: 'system-node-critical' } }))) as unknown as PodView;
    expect(critical.spec.priority).toBe(2_000_001_000);
    const plain = (await cluster.createPod(pod('plain'))) as unknown as PodView;
    expect([plain.spec.priority, plain.spec.priorityClassName]).toEqual([0, undefined]);
  });

  it('uses the global default class, refuses unknown classes and priorities that disagree', async () => {
    await priorityClass('everyday', 50, { globalDefault: true, preemptionPolicy: 'Never' });
    const defaulted = (await cluster.createPod(pod('d'))) as unknown as PodView;
    expect([defaulted.spec.priorityClassName, defaulted.spec.priority, defaulted.spec.preemptionPolicy]).toEqual(['everyday', 50, 'Never']);
    const unknown = await cluster.api('POST', '/api/v1/namespaces/default/pods', pod('u', { spec: { priorityClassName: 'no-such-class' } }));
    expect(unknown.status).toBe(403);
    expect(unknown.body.message).toBe('pods "u" is forbidden: no PriorityClass with name no-such-class was found');
    const mismatch = await cluster.api('POST', '/api/v1/namespaces/default/pods', pod('m', { spec: { priorityClassName: 'everyday', priority: 7 } }));
    expect(mismatch.status).toBe(403);
    const second = await cluster.api('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'another-default', labels: { test: 'e2e' } }, value: 1, globalDefault: true });
    expect(second.status).toBe(403);
  });
});

describe('preemption', () => {
  it('evicts lower-priority pods for a higher-priority pod that fits nowhere, then binds it there', async () => {
    await priorityClass('low', 10);
    await priorityClass('urgent', 10_000);
    await cluster.addNode('n1', { cpu: '2' });
    await cluster.addNode('n2', { cpu: '2' });
    for (const name of ['low-1', 'low-2']) await cluster.createPod(pod(name, { cpu: '2', spec: { priorityClassName: 'low' } }));
    const lowNodes = Object.fromEntries(await Promise.all(['low-1', 'low-2'].map(async (n) => [n, await cluster.boundNode(n)])));
    await cluster.createPod(pod('vip', { cpu: '2', spec: { priorityClassName: 'urgent' } }));
    const node = await cluster.boundNode('vip', 'default', 20_000);
    // The low pod that was on vip's node is gone (terminationGracePeriodSeconds 0: deleted at once); the other stays.
    const victim = lowNodes['low-1'] === node ? 'low-1' : 'low-2';
    const survivor = victim === 'low-1' ? 'low-2' : 'low-1';
    const remaining = (await cluster.must<{ items: { metadata: { name: string } }[] }>('GET', '/api/v1/namespaces/default/pods')).items.map((p) => p.metadata.name).sort();
    expect(remaining).toEqual([survivor, 'vip'].sort());
    expect((await cluster.events(victim)).map((e) => e.reason)).toContain('Preempted');
    const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/scheduler_preemption_victims_total 1\b/);
  });

  it('nominates the node and waits while its victim terminates gracefully', async () => {
    await priorityClass('low', 10);
    await priorityClass('urgent', 10_000);
    await cluster.addNode('only', { cpu: '1' });
    await cluster.createPod(pod('slow-to-stop', { cpu: '1', spec: { priorityClassName: 'low', terminationGracePeriodSeconds: 30 } }));
    await cluster.boundNode('slow-to-stop');
    await cluster.createPod(pod('vip', { cpu: '1', spec: { priorityClassName: 'urgent' } }));
    const nominated = await waitFor(async () => (await cluster.getPod('vip')).status?.nominatedNodeName, { what: 'a nominated node' });
    expect(nominated).toBe('only');
    const victim = await cluster.getPod('slow-to-stop');
    expect(victim.metadata.deletionTimestamp).toBeDefined();
    expect(victim.status?.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }));
    expect((await cluster.getPod('vip')).spec.nodeName).toBeUndefined();
    // Playing the kubelet: the container has stopped, the pod object goes.
    await cluster.must('DELETE', '/api/v1/namespaces/default/pods/slow-to-stop?gracePeriodSeconds=0');
    expect(await cluster.boundNode('vip', 'default', 20_000)).toBe('only');
  });

  it('does not preempt for a pod with preemptionPolicy Never', async () => {
    await priorityClass('low', 10);
    await priorityClass('polite', 10_000, { preemptionPolicy: 'Never' });
    await cluster.addNode('only', { cpu: '1' });
    await cluster.createPod(pod('incumbent', { cpu: '1', spec: { priorityClassName: 'low' } }));
    await cluster.boundNode('incumbent');
    await cluster.createPod(pod('polite-pod', { cpu: '1', spec: { priorityClassName: 'polite' } }));
    const condition = await cluster.unschedulable('polite-pod');
    expect(condition.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    expect((await cluster.getPod('incumbent')).metadata.deletionTimestamp).toBeUndefined();
  });
});

describe('the skiff-scheduler program', () => {
  it('serves /healthz and Prometheus /metrics', async () => {
    expect(await (await fetch(`${metricsUrl}/healthz`)).text()).toBe('ok');
    const text = await (await fetch(`${metricsUrl}/metrics`)).text();
    expect(text).toContain('scheduler_schedule_attempts_total');
    expect(text).toMatch(/scheduler_pending_pods\{queue="active"\} \d+/);
  });

  it('with --leader-elect, schedules only once it holds the Lease', async () => {
    await cluster.addNode('n1');
    await cluster.startScheduler(['--leader-elect', '--scheduler-name=elected', '--leader-elect-resource-name=elected-scheduler']);
    const lease = await waitFor(
      async () => {
        const r = await cluster.api<{ spec?: { holderIdentity?: string } }>('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/elected-scheduler');
        return r.status === 200 && r.body.spec?.holderIdentity ? r.body : undefined;
      },
      { what: 'the scheduler lease' },
    );
    expect(lease.spec?.holderIdentity).toMatch(/_/);
    await cluster.createPod(pod('for-elected', { spec: { schedulerName: 'elected' } }));
    expect(await cluster.boundNode('for-elected')).toBe('n1');
  });

  it('exits 2 with one line on a bad flag', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'skiff-scheduler.js'), '--percentage-of-nodes-to-score=150'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^skiff-scheduler: .*percentage-of-nodes-to-score/);
  });
});
