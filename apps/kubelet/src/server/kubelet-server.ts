import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MetricsSource } from '@skiff/client';
import { silentLogger, type Logger } from '@skiff/logging';
import { WebSocketServer } from 'ws';
import { serveContainerLogs } from './container-logs-handler';
import { rejectUpgrade, sendJSON, sendStatus } from './http-replies';
import type { KubeletAuth, KubeletAuthResult } from './kubelet-auth';
import type { KubeletServerDeps } from './kubelet-server-deps';
import { failureStatus, internalErrorStatus, notFoundStatus } from './kubelet-status';
import { serveRemoteCommand, upgradeRequiredStatus, type RemoteCommandKind, type RemoteCommandTarget } from './remote-command-handler';
import { chooseChannelProtocol } from './remote-command-session';

export interface KubeletServerOptions {
  /** Default 0.0.0.0. */
  address?: string;
  /** Default 10250, the kubelet's port; 0 picks a free one. */
  port?: number;
  /** What /metrics serves: a prom-client Registry. */
  metrics: MetricsSource;
  logger?: Logger;
  /** Upper bound between looks at a followed log file when no change notification arrives. Default 1000. */
  followPollIntervalMs?: number;
  /** Serve HTTPS with this certificate (`--tls-cert-file`), asking for client certificates when a CA is given. */
  tls?: KubeletServingCertificate;
  /** Authenticate and authorize every request (TLS only); without it every request is served, as over plain HTTP. */
  auth?: KubeletAuth;
}

export interface KubeletServingCertificate {
  certPem: string;
  keyPem: string;
  /** `--client-ca-file`: client certificates are verified against it. */
  clientCaPem?: string;
}

export const defaultKubeletPort = 10250;

const pageNotFound = () => notFoundStatus('the server could not find the requested resource');

interface Route {
  path: string[];
  query: URLSearchParams;
}

function routeOf(url: string | undefined): Route | undefined {
  try {
    const u = new URL(url ?? '/', 'http://kubelet');
    return { path: u.pathname.split('/').filter(Boolean).map(decodeURIComponent), query: u.searchParams };
  } catch {
    return undefined;
  }
}

/** `/{kind}/{namespace}/{pod}/{container}` or `/{kind}/{namespace}/{pod}/{uid}/{container}`. */
function remoteCommandTarget(path: string[]): RemoteCommandTarget | undefined {
  const kind = path[0] as RemoteCommandKind;
  if (kind !== 'exec' && kind !== 'attach') return undefined;
  if (path.length === 4) return { kind, namespace: path[1], pod: path[2], container: path[3] };
  if (path.length === 5) return { kind, namespace: path[1], pod: path[2], uid: path[3], container: path[4] };
  return undefined;
}

/**
 * The kubelet's HTTP server: health and metrics, the Summary API, the pod list, container logs, and exec/attach as
 * WebSocket channel-protocol sessions. What it serves comes from `deps`. Plain HTTP unless given a certificate;
 * over HTTPS, `auth` authenticates and authorizes every request, upgrades included.
 */
export class KubeletServer {
  private server?: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  private readonly logger: Logger;

  constructor(
    private readonly deps: KubeletServerDeps,
    private readonly opts: KubeletServerOptions,
  ) {
    this.logger = opts.logger ?? silentLogger();
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered) => chooseChannelProtocol([...offered].join(',')) ?? false,
    });
  }

  /** Starts listening; resolves with the port. */
  async listen(): Promise<number> {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((e) => this.failed(res, e));
    };
    const tls = this.opts.tls;
    // A certificate that does not verify must not end the handshake: authentication answers it with 401.
    const server = tls
      ? https.createServer({ requestTimeout: 0, cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: tls.clientCaPem !== undefined, rejectUnauthorized: false }, onRequest)
      : http.createServer({ requestTimeout: 0 }, onRequest);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(req, socket, head).catch((e) => {
        this.logger.error('upgrade request failed', { url: req.url, error: (e as Error).stack });
        rejectUpgrade(socket, internalErrorStatus((e as Error).message));
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? defaultKubeletPort, this.opts.address ?? '0.0.0.0', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  private failed(res: http.ServerResponse, e: unknown): void {
    this.logger.error('kubelet request failed', { url: res.req.url, error: e instanceof Error ? e.stack : String(e) });
    if (!res.headersSent) sendStatus(res, internalErrorStatus(e instanceof Error ? e.message : String(e)));
    else res.destroy();
  }

  /** Authentication and authorization of one request; undefined when it may go on. */
  private async refusal(req: http.IncomingMessage, route: Route): Promise<Extract<KubeletAuthResult, { ok: false }> | undefined> {
    if (!this.opts.auth) return undefined;
    const result = await this.opts.auth.check(req, `/${route.path.map(encodeURIComponent).join('/')}`);
    if (result.ok) return undefined;
    if (result.error) this.logger.error(`${result.code === 401 ? 'authenticating' : 'authorizing'} a kubelet API request failed`, { url: req.url, error: result.error });
    else this.logger.debug('kubelet API request refused', { url: req.url, code: result.code, message: result.message });
    return result;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = routeOf(req.url);
    if (!route) return sendStatus(res, failureStatus(400, 'BadRequest', `malformed request URL ${JSON.stringify(req.url)}`));
    const refused = await this.refusal(req, route);
    if (refused) {
      res.writeHead(refused.code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(`${refused.message}\n`);
      return;
    }
    const { path, query } = route;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (remoteCommandTarget(path)) return sendStatus(res, upgradeRequiredStatus(path[0] as RemoteCommandKind));
      return sendStatus(res, failureStatus(405, 'MethodNotAllowed', `the server does not allow ${req.method} on ${path.join('/') || '/'}`));
    }
    const p = path.join('/');
    if (p === 'healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    } else if (p === 'metrics') {
      const body = await this.opts.metrics.metrics();
      res.writeHead(200, { 'Content-Type': this.opts.metrics.contentType }).end(body);
    } else if (p === 'stats/summary') {
      sendJSON(res, 200, await this.deps.statsSummary());
    } else if (p === 'pods') {
      sendJSON(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: await this.deps.pods() });
    } else if (p === 'runningpods' && this.deps.runningPods) {
      sendJSON(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: await this.deps.runningPods() });
    } else if (path[0] === 'containerLogs' && path.length === 4) {
      await serveContainerLogs({ namespace: path[1], pod: path[2], container: path[3] }, query, res, this.deps, {
        pollIntervalMs: this.opts.followPollIntervalMs ?? 1000,
        logger: this.logger,
      });
    } else if (remoteCommandTarget(path)) {
      sendStatus(res, upgradeRequiredStatus(path[0] as RemoteCommandKind));
    } else {
      sendStatus(res, pageNotFound());
    }
  }

  private async handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const route = routeOf(req.url);
    if (route) {
      const refused = await this.refusal(req, route);
      if (refused) {
        const body = `${refused.message}\n`;
        socket.end(`HTTP/1.1 ${refused.code} ${http.STATUS_CODES[refused.code]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
    }
    const target = route && remoteCommandTarget(route.path);
    if (!route || !target) return rejectUpgrade(socket, pageNotFound());
    await serveRemoteCommand(target, route.query, req, socket, head, this.wss, this.deps, this.logger);
  }

  /** Stops listening and ends every open log stream and exec/attach session. */
  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
