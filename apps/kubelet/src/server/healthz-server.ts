import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@skiff/logging';

export const defaultHealthzPort = 10248;

/**
 * Kubernetes' kubelet healthz endpoint: plain HTTP `/healthz` on its own port, loopback by default, with no
 * authentication, so that local probes (systemd, `curl localhost:10248/healthz`) need no credentials while
 * the API port asks for them. A port already taken is logged and the kubelet runs on without it, as upstream does.
 */
export class HealthzServer {
  private server?: http.Server;

  constructor(
    private readonly address: string,
    private readonly port: number,
    private readonly logger: Logger,
  ) {}

  /** Resolves with the port, or undefined when it could not listen. */
  async listen(): Promise<number | undefined> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
      else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.port, this.address, () => resolve());
      });
    } catch (e) {
      this.logger.error('failed to start the healthz server', { address: `${this.address}:${this.port}`, error: (e as Error).message });
      return undefined;
    }
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
