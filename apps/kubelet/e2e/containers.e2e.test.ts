import { waitFor } from '@skiff/testing';
import { containerdPid, containerStatus, expectNothingLeft, isRunningAndReady, startTestNode, type TestNode } from './node-fixture';

// Containers on a real node (skiff-kubelet, containerd, runc, CNI) as the real kubectl sees them: logs, exec,
// configuration from ConfigMaps and Secrets, liveness restarts and crash loops.
jest.setTimeout(180_000);

const POD_CIDR = '10.244.202.0/24';
const BRIDGE = 'skkl202';

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ podCIDR: POD_CIDR, bridge: BRIDGE });
});

afterAll(async () => {
  await node?.stop();
});

// Each start appends to a counter kept in an emptyDir, which outlives the container: the log tells attempts apart.
const countStarts = 'n=$(( $(cat /data/n 2>/dev/null || echo 0) + 1 )); echo $n > /data/n; echo "start $n"';

describe('kubectl logs', () => {
  it('follows a running container and ends when the container ends', async () => {
    await node.apply(
      'talker',
      `apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'echo one; echo two >&2; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo three']
`,
    );
    await node.waitForPod('talker', (p) => p.status?.phase === 'Running', 'Running');
    const follow = node.kubectl.start(['logs', '-f', 'talker'], { timeoutMs: 60_000 });
    // The runtime copies stdout and stderr separately, so the two first lines may land in either order.
    const firstTwo = (text: string) => text.split('\n').slice(0, 2).sort().join(',');
    await waitFor(() => firstTwo(follow.stdout()) === 'one,two', { what: 'kubectl logs -f to print the first lines' }).catch((e: Error) => {
      throw new Error(`${e.message}; it printed ${JSON.stringify(follow.stdout())}, stderr ${JSON.stringify(follow.stderr())}`);
    });
    expect(follow.stdout()).toHaveLength('one\ntwo\n'.length);
    await node.kubectl.ok(['exec', 'talker', '--', 'touch', '/tmp/go']);
    const followed = await follow.exited;
    expect(followed).toMatchObject({ code: 0, stderr: '' });
    expect(firstTwo(followed.stdout)).toBe('one,two');
    expect(followed.stdout.slice('one\ntwo\n'.length)).toBe('three\n');

    const done = await node.waitForPod('talker', (p) => p.status?.phase === 'Succeeded', 'Succeeded');
    expect(containerStatus(done)?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await node.kubectl.ok(['logs', 'talker'])).toBe(followed.stdout);
    expect(await node.kubectl.ok(['logs', 'talker', '--tail=1'])).toBe('three\n');
  });
});

describe('kubectl exec, with configuration from a ConfigMap volume and a Secret', () => {
  beforeAll(async () => {
    await node.apply(
      'shell',
      `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {greeting: hello, app.conf: "mode=fast\\n"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: shell}
spec:
  volumes: [{name: settings, configMap: {name: settings}}]
  containers:
  - name: sh
    image: busybox
    command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
    volumeMounts: [{name: settings, mountPath: /etc/settings}]
    env:
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: creds, key: password}}
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: settings, key: greeting}}
`,
    );
    await node.waitForPod('shell', isRunningAndReady, 'Running');
  });

  it('runs a command and prints its output', async () => {
    expect(await node.kubectl.run(['exec', 'shell', '--', 'echo', 'hi'])).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
  });

  it('feeds piped stdin with -i and ends the command at EOF', async () => {
    expect(await node.kubectl.run(['exec', '-i', 'shell', '--', 'cat'], { stdin: 'hi\n' })).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
  });

  it("passes the command's exit code and stderr through", async () => {
    const r = await node.kubectl.run(['exec', 'shell', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('oops\n');
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  it('shows the ConfigMap as files and the Secret and ConfigMap keys as environment', async () => {
    expect(await node.kubectl.ok(['exec', 'shell', '--', 'cat', '/etc/settings/greeting'])).toBe('hello');
    expect(await node.kubectl.ok(['exec', 'shell', '--', 'cat', '/etc/settings/app.conf'])).toBe('mode=fast\n');
    const env = (await node.kubectl.ok(['exec', 'shell', '--', 'env'])).split('\n');
    expect(env).toEqual(expect.arrayContaining(['PASSWORD=s3cret', 'GREETING=hello']));
  });
});

describe('container restarts', () => {
  it('restarts a container whose liveness probe fails, and kubectl logs --previous shows the last attempt', async () => {
    await node.apply(
      'unhealthy',
      `apiVersion: v1
kind: Pod
metadata: {name: unhealthy}
spec:
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: c
    image: busybox
    volumeMounts: [{name: data, mountPath: /data}]
    command: [sh, -c, '${countStarts}; touch /tmp/healthy; trap "exit 0" TERM; sleep 3600 & wait']
    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}
`,
    );
    const first = containerStatus(await node.waitForPod('unhealthy', isRunningAndReady, 'Running'))!;
    expect(first.restartCount).toBe(0);
    await node.kubectl.ok(['exec', 'unhealthy', '--', 'rm', '/tmp/healthy']);

    const p = await node.waitForPod('unhealthy', (x) => (containerStatus(x)?.restartCount ?? 0) >= 1 && isRunningAndReady(x), 'restarted and Running again');
    const c = containerStatus(p)!;
    expect(c.containerID).not.toBe(first.containerID);
    expect(c.lastState?.terminated?.containerID).toBe(first.containerID);
    expect(await node.kubectl.ok(['logs', 'unhealthy', '--previous'])).toBe('start 1\n');
    expect(await node.kubectl.ok(['logs', 'unhealthy'])).toBe('start 2\n');
    const events = await node.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=unhealthy', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
    expect(events).toMatch(/^Unhealthy\s+Liveness probe failed/m);
  });

  it('backs off a container that keeps crashing: CrashLoopBackOff in the status and in kubectl get pods', async () => {
    await node.apply(
      'crasher',
      `apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
  - {name: c, image: busybox, command: [sh, -c, 'echo crashing; exit 1']}
`,
    );
    const p = await node.waitForPod('crasher', (x) => containerStatus(x)?.state?.waiting?.reason === 'CrashLoopBackOff', 'in CrashLoopBackOff');
    const c = containerStatus(p)!;
    expect(c.restartCount).toBeGreaterThanOrEqual(1);
    expect(c.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c.state?.waiting?.message).toMatch(/back-off \d+s restarting failed container=c pod=crasher_default/);
    expect(p.status?.phase).toBe('Running');
    expect(await node.kubectl.ok(['get', 'pod', 'crasher', '--no-headers'])).toMatch(/^crasher\s+0\/1\s+CrashLoopBackOff\s+\d+/);
    expect(await node.kubectl.ok(['logs', 'crasher', '--previous'])).toBe('crashing\n');
  });
});

describe('TestKubelet.cleanup', () => {
  it('deletes the pods through the apiserver, waits for the kubelet to remove them, and leaves nothing behind', async () => {
    const k = node.kubelet;
    const pids = [k.pid, containerdPid(k)];
    const sandboxIds = (await k.cri().listPodSandbox()).map((x) => x.id);
    expect(sandboxIds.length).toBeGreaterThan(0);
    await k.cleanup();
    for (const name of ['shell', 'unhealthy', 'crasher', 'talker']) expect(await node.pod(name)).toBeUndefined();
    expectNothingLeft(k, { podCIDR: POD_CIDR, bridge: BRIDGE, pids, sandboxIds });
  });
});
