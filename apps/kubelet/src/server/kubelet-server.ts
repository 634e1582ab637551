import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MetricsSource } from '@skiff/client';
import { silentLogger, type Logger } from '@skiff/logging';
import { WebSocketServer } from 'ws';
import { serveContainerLogs } from './container-logs-handler';
import { rejectUpgrade, sendJSON, sendStatus } from './http-replies';
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
 * The kubelet's HTTP server (plain HTTP for now): health and metrics, the Summary API, the pod list, container
 * logs, and exec/attach as WebSocket channel-protocol sessions. What it serves comes from `deps`.
 */
export class KubeletServer {
  private server?: http.Server;
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
    const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
      this.handle(req, res).catch((e) => this.failed(res, e));
    });
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

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = routeOf(req.url);
    if (!route) return sendStatus(res, failureStatus(400, 'BadRequest', `malformed request URL ${JSON.stringify(req.url)}`));
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
