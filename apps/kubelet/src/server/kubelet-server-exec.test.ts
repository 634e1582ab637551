import http from 'node:http';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { waitFor } from '@skiff/testing';
import { FakeKubeletDeps } from './fake-kubelet-deps';
import { KubeletServer } from './kubelet-server';

jest.setTimeout(30_000);

let deps: FakeKubeletDeps;
let server: KubeletServer;
let port: number;

beforeEach(async () => {
  deps = new FakeKubeletDeps();
  deps.add('default', 'web', 'app', { id: 'c1', logPath: '/dev/null', running: true });
  deps.add('default', 'web', 'done', { id: 'c2', logPath: '/dev/null', running: false });
  deps.podList = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'uid-1' }, spec: { containers: [] } } as never];
  server = new KubeletServer(deps, { address: '127.0.0.1', port: 0, metrics: new Registry() });
  port = await server.listen();
});

afterEach(async () => {
  await server.close();
});

interface Session {
  ws: WebSocket;
  opened: Promise<void>;
  /** Resolves when the server closes: what arrived on each channel, and the close code. */
  ended: Promise<{ stdout: string; stderr: string; status: any[]; code: number; textFrames: number }>;
}

function connect(path: string, protocols = ['v5.channel.k8s.io']): Session {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols);
  const out = { stdout: '', stderr: '', status: [] as any[], textFrames: 0 };
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) out.textFrames++;
    const payload = data.subarray(1).toString();
    if (data[0] === 1) out.stdout += payload;
    else if (data[0] === 2) out.stderr += payload;
    else if (data[0] === 3) out.status.push(JSON.parse(payload));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const ended = new Promise<{ stdout: string; stderr: string; status: any[]; code: number; textFrames: number }>((resolve) =>
    ws.once('close', (code) => resolve({ ...out, code })),
  );
  return { ws, opened, ended };
}

/** An upgrade that the server refuses: the HTTP status and the Status body. */
function refused(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Protocol': 'v5.channel.k8s.io',
        ...headers,
      },
    });
    req.on('upgrade', () => reject(new Error('the server accepted the upgrade')));
    req.on('response', async (res) => {
      let text = '';
      for await (const chunk of res) text += chunk;
      resolve({ status: res.statusCode!, body: JSON.parse(text) });
    });
    req.on('error', reject);
    req.end();
  });
}

const stdinFrame = (text: string) => Buffer.concat([Buffer.from([0]), Buffer.from(text)]);
const closeStdin = Buffer.from([255, 0]);

describe('exec over WebSocket', () => {
  it('answers v5.channel.k8s.io, feeds stdin until the close-stream message ends it, then sends Success and closes 1000', async () => {
    const s = connect('/exec/default/web/app?command=cat&input=1&output=1&error=1');
    await s.opened;
    expect(s.ws.protocol).toBe('v5.channel.k8s.io');
    s.ws.send(stdinFrame('hello '));
    s.ws.send(stdinFrame('world\n'));
    s.ws.send(closeStdin);
    const r = await s.ended;
    expect(r).toEqual({ stdout: 'hello world\n', stderr: '', status: [{ metadata: {}, status: 'Success' }], code: 1000, textFrames: 0 });
  });

  it('reports a non-zero exit code as NonZeroExitCode, keeping stdout and stderr apart', async () => {
    const cmd = ['sh', '-c', 'echo out; echo err >&2; exit 3'].map((c) => `command=${encodeURIComponent(c)}`).join('&');
    const s = connect(`/exec/default/web/app?${cmd}&stdout=true&stderr=true`);
    const r = await s.ended;
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
    expect(r.status).toEqual([
      {
        metadata: {},
        status: 'Failure',
        reason: 'NonZeroExitCode',
        message: 'command terminated with non-zero exit code: exit status 3',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      },
    ]);
    expect(r.code).toBe(1000);
  });

  it('delivers all of a large output before the Status', async () => {
    const r = await connect('/exec/default/web/app?command=head&command=-c&command=3000000&command=/dev/zero&output=1').ended;
    expect(r.stdout.length).toBe(3_000_000);
    expect(r.status).toEqual([{ metadata: {}, status: 'Success' }]);
  });

  it('falls back to v4.channel.k8s.io and prefers v5 when both are offered', async () => {
    const v4 = connect('/exec/default/web/app?command=true&output=1', ['v4.channel.k8s.io']);
    await v4.opened;
    expect(v4.ws.protocol).toBe('v4.channel.k8s.io');
    expect((await v4.ended).status).toEqual([{ metadata: {}, status: 'Success' }]);
    const both = connect('/exec/default/web/app?command=true&output=1', ['v4.channel.k8s.io', 'v5.channel.k8s.io']);
    await both.opened;
    expect(both.ws.protocol).toBe('v5.channel.k8s.io');
    await both.ended;
  });

  it('sends an InternalError Status when the command cannot be run', async () => {
    const r = await connect('/exec/default/web/app?command=/nonexistent/binary&output=1').ended;
    expect(r.status).toHaveLength(1);
    expect(r.status[0]).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
    expect(r.status[0].message).toMatch(/^Internal error occurred: spawn \/nonexistent\/binary ENOENT/);
  });

  it('under a tty, drops stderr even when asked for', async () => {
    const cmd = ['sh', '-c', 'echo err >&2; echo out'].map((c) => `command=${encodeURIComponent(c)}`).join('&');
    const r = await connect(`/exec/default/web/app?${cmd}&output=1&error=1&tty=1`).ended;
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('');
  });

  it('answers pings', async () => {
    const s = connect('/exec/default/web/app?command=cat&input=1&output=1');
    await s.opened;
    const pong = new Promise<string>((resolve) => s.ws.once('pong', (data) => resolve(data.toString())));
    s.ws.ping('are you there');
    expect(await pong).toBe('are you there');
    s.ws.send(closeStdin);
    await s.ended;
  });

  it('ends the command when the client goes away', async () => {
    const s = connect('/exec/default/web/app?command=sleep&command=60&output=1');
    await s.opened;
    await waitFor(() => deps.liveExecs === 1, { what: 'the command to start' });
    s.ws.terminate();
    await s.ended;
    await waitFor(() => deps.liveExecs === 0, { what: 'the command to be stopped' });
  });

  it('refuses bad requests with a Status before upgrading', async () => {
    expect(await refused('/exec/default/nope/app?command=ls&output=1')).toMatchObject({ status: 404, body: { reason: 'NotFound', message: 'pod "nope" not found in namespace "default"' } });
    expect(await refused('/exec/default/web/app?command=ls')).toMatchObject({ status: 400, body: { message: 'you must specify at least 1 of stdin, stdout, stderr' } });
    expect(await refused('/exec/default/web/app?output=1')).toMatchObject({ status: 400, body: { message: 'you must specify at least one command for the container' } });
    expect(await refused('/exec/default/web/done?command=ls&output=1')).toMatchObject({ status: 400, body: { message: 'container "done" in pod "web" is not running' } });
    expect(await refused('/exec/default/web/other-uid/app?command=ls&output=1')).toMatchObject({ status: 404 });
    const protocol = await refused('/exec/default/web/app?command=ls&output=1', { 'Sec-WebSocket-Protocol': 'base64.channel.k8s.io' });
    expect(protocol.status).toBe(400);
    expect(protocol.body.message).toMatch(/requested protocol\(s\) are not supported/);
    const spdy = await refused('/exec/default/web/app?command=ls&output=1', { Upgrade: 'SPDY/3.1' });
    expect(spdy.status).toBe(400);
    expect(spdy.body.message).toMatch(/served over WebSocket .* SPDY\/3\.1 is not supported/);
    expect(await refused('/nothing/here')).toMatchObject({ status: 404 });
    const plain = await fetch(`http://127.0.0.1:${port}/exec/default/web/app?command=ls&output=1`);
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { message: string }).message).toMatch(/^Upgrade request required/);
  });

  it('accepts the path with the pod uid', async () => {
    const r = await connect('/exec/default/web/uid-1/app?command=echo&command=hi&output=1').ended;
    expect(r.stdout).toBe('hi\n');
  });
});

describe('attach over WebSocket', () => {
  it('delivers stdin and terminal sizes to the runtime', async () => {
    const s = connect('/attach/default/web/app?input=1&output=1&tty=1');
    await s.opened;
    s.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":80,"Height":24}\n')]));
    s.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('not a size')]));
    s.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')]));
    s.ws.send(stdinFrame('typed\n'));
    s.ws.send(closeStdin);
    const r = await s.ended;
    expect(deps.resizes).toEqual([
      { width: 80, height: 24 },
      { width: 120, height: 40 },
    ]);
    expect(r.stdout).toContain('resize 80x24\n');
    expect(r.stdout).toContain('typed\n');
    expect(r.status).toEqual([{ metadata: {}, status: 'Success' }]);
  });
});
