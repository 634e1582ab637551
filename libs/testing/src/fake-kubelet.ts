import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Over TLS: the CN of the client certificate the caller presented, if any. */
  clientCommonName?: string;
}

export interface FakeKubeletOptions {
  /** Serve HTTPS with this certificate, asking for (not requiring) client certificates from `clientCaPem`. */
  tls?: { certPem: string; keyPem: string; clientCaPem?: string };
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

/**
 * A stand-in kubelet for tests that run no containers (the apiserver's, the CLI's), speaking the kubelet's wire protocol on loopback: container
 * logs (a fixed text; followed logs wait for `endFollowedLogs()`), exec as real local processes over the
 * v5/v4 WebSocket channel protocol (attach reaches a `cat`), and /healthz for node proxy checks. It records every request it gets.
 */
export class FakeKubelet {
  readonly requests: RecordedRequest[] = [];
  logText = 'line one\nline two\n';
  private readonly followers = new Set<http.ServerResponse>();
  private readonly server: http.Server | https.Server;
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => offered.has(p)) ?? false,
  });

  constructor(opts: FakeKubeletOptions = {}) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    const tls = opts.tls;
    this.server = tls
      ? https.createServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: tls.clientCaPem !== undefined, rejectUnauthorized: false }, handler)
      : http.createServer(handler);
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://kubelet');
      this.record(req, url);
      const attach = url.pathname.startsWith('/attach/');
      if (!(attach || url.pathname.startsWith('/exec/')) || req.headers.upgrade?.toLowerCase() !== 'websocket') {
        const body = JSON.stringify(status(400, 'BadRequest', `the fake kubelet does not upgrade ${url.pathname} to ${req.headers.upgrade}`));
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      // Attaching reaches the container's main process, which here is a `cat`.
      const command = attach ? ['cat'] : url.searchParams.getAll('command');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.exec(ws, command, url.searchParams));
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * Creates the Node `name` on the apiserver at `apiserverUrl` with this kubelet's loopback address and port, as
   * a kubelet registers itself, so pods bound to it have their logs and exec served here. Call after start().
   */
  async registerNode(apiserverUrl: string, name: string): Promise<void> {
    const port = (this.server.address() as AddressInfo | null)?.port;
    if (!port) throw new Error('the fake kubelet is not listening: call start() first');
    const send = async (method: string, path: string, body: unknown, contentType: string) => {
      const res = await fetch(`${apiserverUrl}${path}`, { method, headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    };
    await send('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } }, 'application/json');
    const status = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } };
    await send('PATCH', `/api/v1/nodes/${encodeURIComponent(name)}/status`, { status }, 'application/merge-patch+json');
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** How many `follow=true` log requests are waiting for more lines. */
  get followerCount(): number {
    return this.followers.size;
  }

  /** Sends a last line to every follower and ends their logs, as a kubelet does when the container stops. */
  endFollowedLogs(lastLine = 'line three\n'): void {
    for (const res of this.followers) res.end(lastLine);
    this.followers.clear();
  }

  private record(req: http.IncomingMessage, url: URL): void {
    const socket = req.socket as TLSSocket;
    const peer = socket.encrypted && socket.authorized ? socket.getPeerCertificate() : undefined;
    const cn = peer?.subject?.CN;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, ...(cn ? { clientCommonName: Array.isArray(cn) ? cn[0] : cn } : {}) });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    this.record(req, url);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Fake-Kubelet': 'yes' }).end('ok');
    } else if (parts[0] === 'containerLogs' && parts.length === 4) {
      if (parts[3] === 'waiting') {
        const body = JSON.stringify(status(400, 'BadRequest', `container "waiting" in pod "${parts[2]}" is waiting to start: ContainerCreating`));
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(body);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (url.searchParams.get('follow') === 'true') {
        res.flushHeaders();
        res.write(this.logText);
        this.followers.add(res);
        res.on('close', () => this.followers.delete(res));
      } else {
        res.end(this.logText);
      }
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
    }
  }

  /** Runs the command as a local process, its streams carried over the channel protocol. */
  private exec(ws: WebSocket, command: string[], query: URLSearchParams): void {
    const child = spawn(command[0], command.slice(1), { stdio: 'pipe' });
    const send = (channel: number, data: Buffer | string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    child.stdin.on('error', () => undefined);
    if (query.get('input') !== '1') child.stdin.end();
    child.stdout.on('data', (d: Buffer) => send(1, d));
    child.stderr.on('data', (d: Buffer) => send(2, d));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) child.stdin.write(data.subarray(1));
      else if (data[0] === 255 && data[1] === 0) child.stdin.end();
    });
    ws.on('close', () => child.kill());
    let finished = false;
    const finish = (exitCode: number | null, error?: Error) => {
      if (finished) return;
      finished = true;
      const result = error
        ? { metadata: {}, status: 'Failure', reason: 'InternalError', message: `Internal error occurred: ${error.message}` }
        : exitCode === 0
          ? { metadata: {}, status: 'Success' }
          : {
              metadata: {},
              status: 'Failure',
              reason: 'NonZeroExitCode',
              message: `command terminated with non-zero exit code: exit status ${exitCode}`,
              details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
            };
      send(3, JSON.stringify(result));
      ws.close(1000);
    };
    child.once('error', (e) => finish(null, e));
    child.once('close', (code) => finish(code ?? 1));
  }
}
