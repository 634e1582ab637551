import http from 'node:http';
import type { AddressInfo } from 'node:net';
/** Where /metrics text comes from; a prom-client Registry is one. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * What every Skiff program serves besides its own work: /healthz and /livez (the process is up), /readyz (the
 * program says it is ready, e.g. caches synced) and /metrics (Prometheus text).
 */
export class HealthServer {
  private server?: http.Server;

  constructor(
    private readonly registry: MetricsSource,
    private readonly ready: () => { ok: boolean; reason?: string },
  ) {}

  async listen(address: string, port: number): Promise<number> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, address, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain' }).end('method not allowed\n');
    } else if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const h = this.ready();
      res.writeHead(h.ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(h.ok ? 'ok' : `not ready: ${h.reason ?? 'starting'}\n`);
    } else if (path === '/metrics') {
      try {
        const body = await this.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(body);
      } catch (err) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error).message}\n`);
      }
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
