import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { ApiError, HttpKubeClient } from '@skiff/client';
import { WebSocketServer, type WebSocket } from 'ws';
import { RemoteCommandError, runRemoteCommand, type TerminalSizeSource } from './remote-command-client';

/** What the test server saw of one session. */
interface ServerSession {
  url: string;
  headers: http.IncomingHttpHeaders;
  protocol: string;
  received: Buffer[];
  closedBy?: number;
}

type Behaviour = (ws: WebSocket, session: ServerSession) => void;

let server: http.Server;
let wss: WebSocketServer;
let base: string;
let behaviour: Behaviour;
let offeredProtocols: (offered: Set<string>) => string | false;
let sessions: ServerSession[];
let refusal: { code: number; body: string } | undefined;

beforeAll(async () => {
  server = http.createServer();
  wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => offeredProtocols(offered) });
  server.on('upgrade', (req, socket, head) => {
    if (refusal) {
      const { code, body } = refusal;
      socket.end(`HTTP/1.1 ${code} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session: ServerSession = { url: req.url!, headers: req.headers, protocol: ws.protocol, received: [] };
      sessions.push(session);
      ws.on('message', (data: Buffer) => session.received.push(data));
      behaviour(ws, session);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  sessions = [];
  refusal = undefined;
  offeredProtocols = (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false);
});

const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
const exitStatus = (code: number) =>
  JSON.stringify({
    metadata: {},
    status: 'Failure',
    reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });

/** The server side of `cat`: echoes channel 0 to channel 1 until the client closes stdin, then succeeds. */
const cat: Behaviour = (ws) => {
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0) ws.send(frame(1, data.subarray(1).toString()));
    if (data[0] === 255 && data[1] === 0) {
      ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
      ws.close(1000);
    }
  });
};

function sinks() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return { stdout, stderr, text: () => ({ out, err }) };
}

function client(config: { token?: string } = {}) {
  return new HttpKubeClient({ server: base, namespace: 'default', ...config }, { userAgent: 'skiff-test' });
}

const execPath = '/api/v1/namespaces/default/pods/web/exec?command=cat&container=app&stdin=true&stdout=true&stderr=true';

describe('runRemoteCommand over v5.channel.k8s.io', () => {
  it('sends stdin on channel 0, closes it with [255, 0] at its end, and prints channel 1 as it comes', async () => {
    behaviour = cat;
    const io = sinks();
    const c = client({ token: 'sekret' });
    const code = await runRemoteCommand(c.connectionTo(execPath), { stdin: Readable.from([Buffer.from('hello '), Buffer.from('world\n')]), ...io });
    expect(code).toBe(0);
    expect(io.text()).toEqual({ out: 'hello world\n', err: '' });
    const [session] = sessions;
    expect(session.url).toBe(execPath);
    expect(session.protocol).toBe('v5.channel.k8s.io');
    expect(session.headers['sec-websocket-protocol']).toBe('v5.channel.k8s.io,v4.channel.k8s.io');
    expect(session.headers.authorization).toBe('Bearer sekret');
    expect(session.headers['user-agent']).toBe('skiff-test');
    expect(session.received.map((m) => [...m])).toEqual([[0, ...Buffer.from('hello ')], [0, ...Buffer.from('world\n')], [255, 0]]);
    c.close();
  });

  it('keeps stdout and stderr apart and passes a non-zero exit code through', async () => {
    behaviour = (ws) => {
      ws.send(frame(1, 'out\n'));
      ws.send(frame(2, 'err\n'));
      ws.send(frame(3, exitStatus(3)));
      ws.close(1000);
    };
    const io = sinks();
    expect(await runRemoteCommand(client().connectionTo(execPath), io)).toBe(3);
    expect(io.text()).toEqual({ out: 'out\n', err: 'err\n' });
    // Without -i nothing at all is sent.
    expect(sessions[0].received).toEqual([]);
  });

  it('reports a failure status other than an exit code with its message', async () => {
    behaviour = (ws) => {
      ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', reason: 'InternalError', message: 'Internal error occurred: spawn nope ENOENT' })));
      ws.close(1000);
    };
    await expect(runRemoteCommand(client().connectionTo(execPath), sinks())).rejects.toThrow(
      new RemoteCommandError('Internal error occurred: spawn nope ENOENT'),
    );
  });

  it('turns a refused upgrade into the server\'s Status error', async () => {
    refusal = {
      code: 400,
      body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400, message: 'pod web does not have a host assigned' }),
    };
    const err = await runRemoteCommand(client().connectionTo(execPath), sinks()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 400, reason: 'BadRequest', message: 'pod web does not have a host assigned' });
  });

  it('aborts on a text message, which the protocol never sends', async () => {
    behaviour = (ws) => ws.send('hello');
    await expect(runRemoteCommand(client().connectionTo(execPath), sinks())).rejects.toThrow(/text message/);
  });

  it('fails when the connection drops before the command\'s status', async () => {
    behaviour = (ws) => {
      ws.send(frame(1, 'partial'));
      ws.terminate();
    };
    const io = sinks();
    await expect(runRemoteCommand(client().connectionTo(execPath), io)).rejects.toThrow(/closed before the command ended \(close code 1006\)/);
    expect(io.text().out).toBe('partial');
  });

  it('sends the terminal size first and again on each resize, under a tty', async () => {
    const resizes = new EventEmitter();
    let size = { width: 80, height: 24 };
    const terminal: TerminalSizeSource = {
      size: () => size,
      onResize: (listener) => {
        const h = () => listener(size);
        resizes.on('resize', h);
        return () => resizes.off('resize', h);
      },
    };
    behaviour = (ws, session) => {
      ws.on('message', () => {
        if (session.received.length === 1) {
          size = { width: 100, height: 40 };
          resizes.emit('resize');
        }
        if (session.received.length === 2) {
          ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
          ws.close(1000);
        }
      });
    };
    expect(await runRemoteCommand(client().connectionTo(execPath), { ...sinks(), terminal })).toBe(0);
    expect(sessions[0].received.map((m) => [m[0], m.subarray(1).toString()])).toEqual([
      [4, '{"Width":80,"Height":24}\n'],
      [4, '{"Width":100,"Height":40}\n'],
    ]);
    // Resizes after the end are not sent anywhere.
    expect(resizes.listenerCount('resize')).toBe(0);
  });
});

describe('runRemoteCommand over v4.channel.k8s.io', () => {
  it('works when the server picks v4, which has no close-stream message', async () => {
    offeredProtocols = (offered) => (offered.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false);
    let serverSide: WebSocket | undefined;
    behaviour = (ws) => {
      serverSide = ws;
      ws.on('message', (data: Buffer) => data[0] === 0 && ws.send(frame(1, data.subarray(1).toString())));
    };
    const io = sinks();
    const stdin = new PassThrough();
    const running = runRemoteCommand(client().connectionTo(execPath), { ...io, stdin });
    stdin.write('once\n');
    await once(io.stdout, 'data');
    // The end of stdin, which v5 would announce, goes unsaid; the command then ends on its own.
    stdin.end();
    await once(stdin, 'end');
    serverSide!.send(frame(3, exitStatus(7)));
    serverSide!.close(1000);
    expect(await running).toBe(7);
    expect(io.text().out).toBe('once\n');
    expect(sessions[0].protocol).toBe('v4.channel.k8s.io');
    expect(sessions[0].received.map((m) => m[0])).toEqual([0]);
  });

  it('refuses a server that picks neither protocol', async () => {
    offeredProtocols = () => false;
    behaviour = () => undefined;
    await expect(runRemoteCommand(client().connectionTo(execPath), sinks())).rejects.toThrow(/subprotocol/);
  });
});
