import type { Event, Node, Pod } from '@skiff/api';
import { explainPod, splitSchedulingMessage, type PodFacts } from './explain-pod';

const pod = (over: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  ...over,
}) as Pod;

const readyNode = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as Node;
const facts = (p: Pod, extra: Partial<PodFacts> = {}): PodFacts => ({ pod: p, events: [], nodeCount: 1, owners: [], ...extra });
const event = (reason: string, message: string, type = 'Warning') => ({ metadata: { name: reason }, involvedObject: {}, reason, message, type }) as Event;

describe('explainPod', () => {
  it('gives the per-node reasons of an unschedulable pod, one a line', () => {
    const p = pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.' }] } });
    const e = explainPod(facts(p, { owners: ['ReplicaSet/web-1', 'Deployment/web'] }));
    expect(e.verdict).toBe('pod/web is not scheduled: no node can take it');
    expect(e.details).toEqual(['0/3 nodes are available:', '  - 1 node(s) were unschedulable', '  - 2 Insufficient cpu', 'owned by ReplicaSet/web-1 ← Deployment/web']);
    expect(e.healthy).toBe(false);
  });

  it('says when the cluster has no nodes or no scheduler has looked', () => {
    expect(explainPod(facts(pod(), { nodeCount: 0 })).verdict).toMatch(/the cluster has no nodes/);
    expect(explainPod(facts(pod())).details[0]).toMatch(/"default-scheduler": is that scheduler running/);
  });

  it('blames a NotReady node with its reason', () => {
    const node = { ...readyNode, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] } } as Node;
    expect(explainPod(facts(pod({ spec: { nodeName: 'n1', containers: [] } }), { node })).verdict).toBe(
      'pod/web is on node n1, which is NotReady (NodeStatusUnknown: Kubelet stopped posting node status.)',
    );
  });

  it('reports a failing image pull with the image and message', () => {
    const p = pod({
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx:nope' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: 'nginx:nope', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:nope"' } } }] },
    } as Partial<Pod>);
    const e = explainPod(facts(p, { node: readyNode }));
    expect(e.verdict).toBe('pod/web: the image of container app cannot be pulled (ImagePullBackOff)');
    expect(e.details.slice(0, 2)).toEqual(['image: nginx:nope', 'Back-off pulling image "nginx:nope"']);
  });

  it('reports a crash loop with the exit code and the last log lines', () => {
    const p = pod({
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 2, reason: 'Error' } } }],
      },
    } as Partial<Pod>);
    const e = explainPod(facts(p, { node: readyNode, lastLogs: { app: 'starting\npanic: no config\n' } }));
    expect(e.verdict).toBe('pod/web: container app is crash-looping (restarted 4 times, last exit code 2 (Error))');
    expect(e.details.slice(0, 3)).toEqual(['last log lines:', '  | starting', '  | panic: no config']);
  });

  it('names a failing readiness probe', () => {
    const p = pod({
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { running: {} } }] },
    } as Partial<Pod>);
    const e = explainPod(facts(p, { node: readyNode, events: [event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503')] }));
    expect(e.verdict).toBe('pod/web is Running but not Ready: container app is not ready');
    expect(e.details[0]).toBe('probe failing: Readiness probe failed: HTTP probe failed with statuscode: 503');
  });

  it('is content with a Running and Ready pod', () => {
    const p = pod({
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] },
    } as Partial<Pod>);
    expect(explainPod(facts(p, { node: readyNode }))).toMatchObject({ verdict: 'pod/web is Running and Ready on node n1', healthy: true });
  });
});

describe('splitSchedulingMessage', () => {
  it('puts the preemption verdict on its own line', () => {
    expect(splitSchedulingMessage('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.')).toEqual([
      '0/2 nodes are available:',
      '  - 1 Insufficient cpu',
      '  - 1 node(s) were unschedulable',
      'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    ]);
  });

  it('leaves a message without reasons alone', () => {
    expect(splitSchedulingMessage('no nodes available to schedule pods')).toEqual(['no nodes available to schedule pods']);
  });
});
