import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { CliHarness, podManifest } from './skiff-harness';

/** Integration tests for describe, why, wait, run, expose, node maintenance, events, rollout, edit, logs/exec. */
jest.setTimeout(30_000);

let cp: TestControlPlane;
let h: CliHarness;

beforeAll(async () => {
  cp = await startControlPlane();
  h = new CliHarness(cp.apiserver.url);
}, 60_000);

afterAll(async () => {
  h?.cleanup();
  await cp?.stop();
});

const ownedPod = (name: string, node: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone-rs', uid: '11111111-1111-1111-1111-111111111111', controller: true }] },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox' }] },
  });

describe('run, expose, describe, why', () => {
  it('runs a pod, exposes it, and describes both with events last', async () => {
    expect(await h.ok(['run', 'box', '--image=busybox', '--port=8080', '--', 'sleep', '3600'])).toBe('pod/box created\n');
    expect(await h.ok(['expose', 'pod', 'box', '--port=80', '--target-port=8080'])).toBe('service/box exposed\n');
    const svc = JSON.parse(await h.ok(['get', 'svc', 'box', '-o', 'json']));
    expect(svc.spec.selector).toEqual({ run: 'box' });
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080 });

    const text = await h.ok(['describe', 'pod', 'box']);
    expect(text).toMatch(/^Name:\s+box\nNamespace:\s+default\nLabels:\s+run=box\n/);
    expect(text).toMatch(/\nContainers:\n {2}box:\n {4}Image:\s+busybox\n {4}Port:\s+8080\/TCP\n {4}Args:\s+sleep 3600\n/);
    expect(text.trimEnd().split('\n').pop()).toMatch(/^Events:\s+<none>$/);
    expect(await h.ok(['describe', 'svc/box'])).toMatch(/\nType:\s+ClusterIP\n/);
  });

  it('explains why a pod is not scheduled and why it waits on a NotReady node', async () => {
    expect(await h.ok(['why', 'pod/box'])).toBe('pod/box is not scheduled: the cluster has no nodes\n  join a node (skiff join) or start a kubelet\n');
    // One invocation also sets up node maintenance's fixtures: a controller-less pod on n1 that drain must refuse.
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }] } };
    const fixtures = [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, JSON.parse(ownedPod('bound', 'n1')), bare];
    expect(await h.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fixtures }))).toBe('node/n1 created\npod/bound created\npod/bare created\n');
    expect(await h.ok(['why', 'pod', 'bound'])).toBe(
      'pod/bound is on node n1, which is NotReady (it has never reported a Ready condition)\n  owned by ReplicaSet/gone-rs\n',
    );
  });

  it('explains a deployment with no pods', async () => {
    await h.ok(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    }));
    expect(await h.ok(['why', 'deploy/web'])).toMatch(/^deployment\.apps\/web wants 2 pod\(s\) but none exist: is the controller-manager running\?/);
  });
});

describe('wait', () => {
  it('waits for a jsonpath value, times out on an unmet condition, and sees a deletion', async () => {
    expect(await h.ok(['wait', 'pod/box', '--for=jsonpath={.status.phase}=Pending', '--timeout=5s'])).toBe('pod/box condition met\n');
    const unmet = await h.skiff(['wait', 'pod/box', '--for=condition=Ready', '--timeout=1s']);
    expect(unmet).toEqual({ code: 1, stdout: 'Waiting for pod/box: condition Ready=True...\n', stderr: 'error: timed out waiting for the condition on pod/box\n' });
    const waiting = h.skiff(['wait', 'pod/box', '--for=delete', '--timeout=20s']);
    await h.ok(['delete', 'pod', 'box']);
    expect(await waiting).toMatchObject({ code: 0, stdout: expect.stringMatching(/^(Waiting for pod\/box to be deleted\.\.\.\n)?pod\/box deleted\n$/) });
  });

  it('shows progress for a deletion that takes time: plain lines in a pipe, one redrawn line on a terminal', async () => {
    // A pod bound to a node stays Terminating until its kubelet confirms, and no kubelet runs here, so all three
    // see it for the whole second and a half whichever of them reaches the server first.
    await h.ok(['create', '-f', '-'], ownedPod('slow', 'n1'));
    const [deleting, waiting, onTerminal] = await Promise.all([
      h.skiff(['delete', 'pod', 'slow', '--timeout=1500ms']),
      h.skiff(['wait', 'pod/slow', '--for=delete', '--timeout=1500ms']),
      h.skiffOnTerminal(['wait', 'pod/slow', '--for=delete', '--timeout=1500ms']),
    ]);
    expect(deleting).toEqual({ code: 1, stdout: 'pod "slow" deleted\nWaiting for pod/slow to be deleted...\n', stderr: 'error: timed out waiting for pod/slow to be deleted\n' });
    expect(waiting).toEqual({ code: 1, stdout: 'Waiting for pod/slow to be deleted...\n', stderr: 'error: timed out waiting for the condition on pod/slow\n' });
    // script(1) merges the terminal's streams and turns \n into \r\n; the status is drawn once and erased before the error.
    expect(onTerminal.code).toBe(1);
    expect(onTerminal.stdout).toBe('\r\x1b[KWaiting for pod/slow to be deleted...\r\x1b[Kerror: timed out waiting for the condition on pod/slow\r\n');
    expect(await h.ok(['delete', 'pod', 'slow', '--grace-period=0', '--force'])).toBe('pod "slow" deleted\n');
  });
});

describe('node maintenance', () => {
  it('cordons, uncordons, and drains a node through the eviction API', async () => {
    expect(await h.ok(['cordon', 'n1'])).toBe('node/n1 cordoned\n');
    expect(await h.ok(['cordon', 'n1'])).toBe('node/n1 already cordoned\n');
    expect(await h.ok(['uncordon', 'n1'])).toBe('node/n1 uncordoned\n');
    const refused = await h.skiff(['drain', 'n1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('default/bare: cannot delete Pods that declare no controller (use --force to override)');
    expect(await h.ok(['delete', 'pod', 'bare', '--grace-period=0', '--force'])).toBe('pod "bare" deleted\n');
    const drained = await h.ok(['drain', 'n1', '--grace-period=0']);
    expect(drained).toBe('node/n1 already cordoned\nevicting pod default/bound\npod/bound evicted\nnode/n1 drained\n');
    expect(JSON.parse(await h.ok(['get', 'node', 'n1', '-o', 'json'])).spec.unschedulable).toBe(true);
  });
});

describe('events, rollout, edit, logs, exec', () => {
  it('lists events, oldest first', async () => {
    const now = new Date().toISOString();
    const events = [['e2', 'Second', now], ['e1', 'First', new Date(Date.now() - 60_000).toISOString()]].map(([name, reason, at]) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name },
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'default' },
      reason,
      message: `${reason} happened`,
      type: 'Normal',
      lastTimestamp: at,
      firstTimestamp: at,
    }));
    await h.ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: events }));
    const lines = (await h.ok(['events'])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/)[2])).toEqual(['First', 'Second']);
    expect(await h.ok(['describe', 'deploy', 'web'])).toMatch(/\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/);
  });

  it('restarts, pauses and resumes a deployment and reports its rollout status', async () => {
    expect(await h.ok(['rollout', 'restart', 'deployment/web'])).toBe('deployment.apps/web restarted\n');
    const annotations = JSON.parse(await h.ok(['get', 'deploy', 'web', '-o', 'json'])).spec.template.metadata.annotations;
    expect(Date.parse(annotations['kubectl.kubernetes.io/restartedAt'])).toBeGreaterThan(Date.now() - 60_000);
    expect(await h.ok(['rollout', 'pause', 'deploy/web'])).toBe('deployment.apps/web paused\n');
    expect(await h.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.paused}'])).toBe('true');
    expect(await h.ok(['rollout', 'resume', 'deploy/web'])).toBe('deployment.apps/web resumed\n');
    // No controller-manager runs here, so the new generation is never observed.
    expect(await h.ok(['rollout', 'status', 'deploy/web', '--watch=false'])).toBe('Waiting for deployment spec update to be observed...\n');
    expect((await h.skiff(['rollout', 'status', 'deploy/web', '--timeout=1s'])).stderr).toBe('error: timed out waiting for the rollout of deployment.apps/web\n');
  });

  it('edits an object with $EDITOR and cancels when nothing changed', async () => {
    await h.ok(['create', '-f', '-'], podManifest('edited', 'nginx:1'));
    const sed = h.file('editor.sh', '#!/bin/sh\nsed -i "s/nginx:1/nginx:2/" "$1"\n');
    const edited = await h.skiffWithEnv(['edit', 'pod', 'edited'], { EDITOR: `sh ${sed}` });
    expect(edited).toMatchObject({ code: 0, stdout: 'pod/edited edited\n' });
    expect(await h.ok(['get', 'pod', 'edited', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe('nginx:2');
    expect(await h.skiffWithEnv(['edit', 'pod/edited'], { EDITOR: 'true' })).toMatchObject({ code: 0, stdout: 'Edit cancelled, no changes made.\n' });
  });

  it('logs of a pod no node runs yet are empty, and exec into it is refused with the server\'s message', async () => {
    expect(await h.skiff(['logs', 'edited'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const r = await h.skiff(['exec', 'edited', '--', 'ls']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (BadRequest): pod edited does not have a host assigned\n');
  });

});
