import { FakeKubelet, Kubectl, startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { call } from '../src/integration/http';

jest.setTimeout(180_000);

let cp: TestControlPlane;
let k: Kubectl;
let kubelet: FakeKubelet;

async function mustCall(method: string, path: string, body: unknown, contentType?: string): Promise<void> {
  const r = await call(cp.apiserver.url, method, path, body, contentType);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  cp = await startControlPlane();
  k = new Kubectl(cp.apiserver.url);
  kubelet = new FakeKubelet();
  const port = await kubelet.start();
  await mustCall('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  await mustCall(
    'PATCH',
    '/api/v1/nodes/node-1/status',
    { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } },
    'application/merge-patch+json',
  );
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: node-1
  containers:
  - {name: app, image: busybox:1.36}
---
apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  nodeName: node-1
  containers:
  - {name: a, image: busybox:1.36}
  - {name: b, image: busybox:1.36}
`;
  await k.ok(['apply', '-f', k.file('pods.yaml', manifest)]);
});

afterAll(async () => {
  k?.cleanup();
  await kubelet?.stop();
  await cp?.stop();
});

describe('kubectl logs, exec and attach reach the kubelet', () => {
  it('kubectl logs prints the container log', async () => {
    expect(await k.ok(['logs', 'web'])).toBe('line one\nline two\n');
    expect(await k.ok(['logs', 'duo', '-c', 'b', '--tail=3', '--timestamps'])).toBe('line one\nline two\n');
    const seen = kubelet.requests[kubelet.requests.length - 1];
    expect(seen.path).toBe('/containerLogs/default/duo/b');
    expect(seen.query.get('tailLines')).toBe('3');
    expect(seen.query.get('timestamps')).toBe('true');
  });

  it('kubectl logs -f streams until the kubelet ends the log', async () => {
    const run = k.run(['logs', '-f', 'web']);
    await waitFor(() => kubelet.followerCount === 1, { what: 'kubectl to be following' });
    kubelet.endFollowedLogs('the end\n');
    expect(await run).toEqual({ code: 0, stdout: 'line one\nline two\nthe end\n', stderr: '' });
  });

  it('kubectl logs reports a container that is not in the pod', async () => {
    const r = await k.run(['logs', 'web', '-c', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/container nope is not valid for pod web/);
  });

  it('kubectl exec -i feeds piped stdin to the command and ends it at EOF', async () => {
    expect(await k.run(['exec', '-i', 'web', '--', 'cat'], { stdin: 'hi\n' })).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    const seen = kubelet.requests[kubelet.requests.length - 1];
    expect(seen.path).toBe('/exec/default/web/app');
    expect(seen.headers['sec-websocket-protocol']).toBe('v5.channel.k8s.io');
  });

  it('kubectl attach -i connects stdin and stdout to the container', async () => {
    const r = await k.run(['attach', '-i', 'web'], { stdin: 'typed\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('typed\n');
    expect(kubelet.requests[kubelet.requests.length - 1].path).toBe('/attach/default/web/app');
  });

  it('kubectl exec passes the exit code and keeps stderr apart', async () => {
    const r = await k.run(['exec', 'duo', '-c', 'a', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\ncommand terminated with exit code 3\n');
  });
});
