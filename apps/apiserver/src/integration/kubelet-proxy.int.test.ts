import http from 'node:http';
import { FakeKubelet, startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import WebSocket from 'ws';
import { call } from './http';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
let kubelet: FakeKubelet;

const pods = '/api/v1/namespaces/default/pods';

async function mustCall(method: string, path: string, body?: unknown, contentType?: string): Promise<void> {
  const r = await call(base, method, path, body, contentType);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
  kubelet = new FakeKubelet();
  const port = await kubelet.start();
  await mustCall('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'fake-node' } });
  await mustCall(
    'PATCH',
    '/api/v1/nodes/fake-node/status',
    // The Hostname does not resolve: the InternalIP must be the address dialled.
    { status: { addresses: [{ type: 'Hostname', address: 'fake-node.invalid' }, { type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } },
    'application/merge-patch+json',
  );
  await mustCall('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'addressless-node' } });
  const pod = (name: string, containers: string[], nodeName?: string, initContainers: string[] = []) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: containers.map((c) => ({ name: c, image: 'busybox:1.36' })),
      ...(initContainers.length ? { initContainers: initContainers.map((c) => ({ name: c, image: 'busybox:1.36' })) } : {}),
    },
  });
  await mustCall('POST', pods, pod('web', ['app'], 'fake-node'));
  await mustCall('POST', pods, pod('two', ['a', 'waiting'], 'fake-node', ['setup']));
  await mustCall('POST', pods, pod('pending', ['app']));
  await mustCall('POST', pods, pod('lost', ['app'], 'ghost-node'));
  await mustCall('POST', pods, pod('stranded', ['app'], 'addressless-node'));
});

afterAll(async () => {
  await kubelet?.stop();
  await cp?.stop();
});

const lastKubeletRequest = () => kubelet.requests[kubelet.requests.length - 1];

describe('pods/log through the kubelet', () => {
  it('streams the log from the kubelet of the pod node, passing the options on', async () => {
    const r = await call(base, 'GET', `${pods}/web/log?tailLines=5&timestamps=true&sinceSeconds=10&limitBytes=100`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('line one\nline two\n');
    const seen = lastKubeletRequest();
    expect(seen.path).toBe('/containerLogs/default/web/app');
    expect(Object.fromEntries(seen.query)).toEqual({ timestamps: 'true', tailLines: '5', limitBytes: '100', sinceSeconds: '10' });
  });

  it('keeps a followed log open until the kubelet ends it', async () => {
    const res = await fetch(`${base}${pods}/two/log?container=a&follow=true`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const read = async () => {
      const { value, done } = await reader.read();
      if (!done) text += Buffer.from(value).toString();
      return done;
    };
    while (text !== 'line one\nline two\n') expect(await read()).toBe(false);
    expect(lastKubeletRequest().path).toBe('/containerLogs/default/two/a');
    expect(lastKubeletRequest().query.get('follow')).toBe('true');
    kubelet.endFollowedLogs();
    while (!(await read()));
    expect(text).toBe('line one\nline two\nline three\n');
  });

  it('stops the kubelet stream when the client goes away', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${base}${pods}/web/log?follow=1`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    await waitFor(() => kubelet.followerCount === 1, { what: 'the kubelet follower' });
    ctrl.abort();
    await waitFor(() => kubelet.followerCount === 0, { what: 'the kubelet stream to be closed' });
  });

  it('validates like Kubernetes before asking the kubelet', async () => {
    const before = kubelet.requests.length;
    const expectStatus = async (path: string, code: number, reason: string, message: string | RegExp) => {
      const r = await call(base, 'GET', path);
      expect({ path, status: r.status }).toEqual({ path, status: code });
      expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
      expect(r.body.message).toMatch(message);
    };
    await expectStatus(`${pods}/nope/log`, 404, 'NotFound', 'pods "nope" not found');
    await expectStatus(`${pods}/two/log`, 400, 'BadRequest', /^a container name must be specified for pod two, choose one of: \[a waiting\] or one of the init containers: \[setup\]$/);
    await expectStatus(`${pods}/web/log?container=sidecar`, 400, 'BadRequest', /^container sidecar is not valid for pod web$/);
    await expectStatus(`${pods}/web/log?tailLines=-1`, 422, 'Invalid', /^PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0$/);
    await expectStatus(`${pods}/web/log?sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z`, 422, 'Invalid', /at most one of `sinceTime` or `sinceSeconds` may be specified/);
    await expectStatus(`${pods}/web/log?tailLines=ten`, 400, 'BadRequest', /tailLines/);
    await expectStatus(`${pods}/web/log?follow=maybe`, 400, 'BadRequest', /follow/);
    await expectStatus(`${pods}/lost/log`, 404, 'NotFound', 'nodes "ghost-node" not found');
    await expectStatus(`${pods}/stranded/log`, 500, 'InternalError', /no preferred addresses found for node "addressless-node"/);
    expect(kubelet.requests.length).toBe(before);
    // A pod not on a node yet has no log, which is not an error.
    const pending = await call(base, 'GET', `${pods}/pending/log`);
    expect(pending.status).toBe(200);
    expect(pending.text).toBe('');
  });

  it('hands on the kubelet Status for a container that has not started', async () => {
    const r = await call(base, 'GET', `${pods}/two/log?container=waiting`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ reason: 'BadRequest', message: 'container "waiting" in pod "two" is waiting to start: ContainerCreating' });
  });
});

interface ExecResult {
  protocol: string;
  stdout: string;
  stderr: string;
  status: any[];
  closeCode: number;
}

function exec(path: string, stdin?: string, protocols = ['v5.channel.k8s.io']): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`, protocols);
    const out = { stdout: '', stderr: '', status: [] as any[] };
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${text}`), { statusCode: res.statusCode, body: JSON.parse(text) })));
    });
    ws.on('open', () => {
      if (stdin === undefined) return;
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
      ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (data: Buffer) => {
      const payload = data.subarray(1).toString();
      if (data[0] === 1) out.stdout += payload;
      else if (data[0] === 2) out.stderr += payload;
      else if (data[0] === 3) out.status.push(JSON.parse(payload));
    });
    ws.on('close', (closeCode) => resolve({ ...out, protocol: ws.protocol, closeCode }));
    ws.on('error', (e) => reject(e));
  });
}

const execPath = (pod: string, command: string[], flags: string) => `${pods}/${pod}/exec?${command.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

describe('pods/exec and pods/attach through the kubelet', () => {
  it('joins the client WebSocket to the kubelet: subprotocol, stdin to its end, output and Status', async () => {
    const r = await exec(execPath('web', ['cat'], 'stdin=true&stdout=true&stderr=true'), 'hi there\n');
    expect(r).toEqual({ protocol: 'v5.channel.k8s.io', stdout: 'hi there\n', stderr: '', status: [{ metadata: {}, status: 'Success' }], closeCode: 1000 });
    const seen = lastKubeletRequest();
    expect(seen.path).toBe('/exec/default/web/app');
    expect(Object.fromEntries(seen.query)).toEqual({ command: 'cat', input: '1', output: '1', error: '1' });
    expect(seen.headers['sec-websocket-protocol']).toBe('v5.channel.k8s.io');
  });

  it('carries a non-zero exit code and stderr, and the v4 protocol', async () => {
    const r = await exec(execPath('two', ['sh', '-c', 'echo out; echo err >&2; exit 3'], 'container=a&stdout=true&stderr=true'), undefined, ['v4.channel.k8s.io']);
    expect(r.protocol).toBe('v4.channel.k8s.io');
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
    expect(r.status).toEqual([expect.objectContaining({ reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })]);
    expect(lastKubeletRequest().query.getAll('command')).toEqual(['sh', '-c', 'echo out; echo err >&2; exit 3']);
  });

  it('refuses with a Status before the upgrade when the pod cannot be reached', async () => {
    const refused = (path: string) => exec(path, '').then(() => Promise.reject(new Error('upgraded')), (e) => ({ code: e.statusCode, body: e.body }));
    expect(await refused(execPath('pending', ['ls'], 'stdout=true'))).toEqual({ code: 400, body: expect.objectContaining({ reason: 'BadRequest', message: 'pod pending does not have a host assigned' }) });
    expect(await refused(execPath('nope', ['ls'], 'stdout=true'))).toEqual({ code: 404, body: expect.objectContaining({ message: 'pods "nope" not found' }) });
    expect(await refused(execPath('two', ['ls'], 'stdout=true'))).toMatchObject({ code: 400, body: { message: expect.stringMatching(/^a container name must be specified for pod two/) } });
    expect(await refused(`${pods}/web/portforward?ports=80`)).toMatchObject({ code: 400, body: { message: expect.stringMatching(/^port forwarding is not supported/) } });
  });

  it('attaches to the container through the kubelet', async () => {
    const r = await exec(`${pods}/web/attach?container=app&stdin=true&stdout=true`, 'typed\n');
    expect(r).toMatchObject({ stdout: 'typed\n', status: [{ metadata: {}, status: 'Success' }], closeCode: 1000 });
    const seen = lastKubeletRequest();
    expect(seen.path).toBe('/attach/default/web/app');
    expect(Object.fromEntries(seen.query)).toEqual({ input: '1', output: '1' });
  });

  it('forwards other upgrades too, and hands on the kubelet refusal', async () => {
    const reply = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(`${base}${execPath('web', ['ls'], 'stdout=true')}`, {
        method: 'POST',
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
      });
      req.on('response', async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(reply).toMatchObject({ status: 400, body: { kind: 'Status', reason: 'BadRequest', message: 'the fake kubelet does not upgrade /exec/default/web/app to SPDY/3.1' } });
    expect(lastKubeletRequest().headers['x-stream-protocol-version']).toBe('v4.channel.k8s.io');
  });

  it('answers a plain (not upgraded) request with Upgrade request required', async () => {
    const r = await call(base, 'POST', execPath('web', ['ls'], 'stdout=true'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ reason: 'BadRequest', message: 'Upgrade request required' });
  });

  it('still serves ordinary requests that ask for an upgrade it does not do', async () => {
    const reply = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(`${base}/api/v1/namespaces/default`, { headers: { Connection: 'Upgrade', Upgrade: 'h2c' } });
      req.on('response', async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(reply).toMatchObject({ status: 200, body: { kind: 'Namespace', metadata: { name: 'default' } } });
  });

  it('lists pods/exec, pods/attach, pods/log and nodes/proxy in discovery', async () => {
    const names = (await call(base, 'GET', '/api/v1')).body.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy']));
  });
});

describe('nodes/{name}/proxy', () => {
  it('passes any path and query to the kubelet and its answer back', async () => {
    const health = await call(base, 'GET', '/api/v1/nodes/fake-node/proxy/healthz');
    expect(health.status).toBe(200);
    expect(health.text).toBe('ok');
    expect(health.headers.get('x-fake-kubelet')).toBe('yes');
    const logs = await call(base, 'GET', '/api/v1/nodes/fake-node/proxy/containerLogs/default/web/app?tailLines=1');
    expect(logs.text).toBe('line one\nline two\n');
    expect(lastKubeletRequest().query.get('tailLines')).toBe('1');
    const missing = await call(base, 'GET', '/api/v1/nodes/fake-node/proxy/no/such/page');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('404 page not found\n');
    expect((await call(base, 'GET', '/api/v1/nodes/ghost-node/proxy/healthz')).status).toBe(404);
  });
});
