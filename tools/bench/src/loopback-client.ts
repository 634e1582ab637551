import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Reply {
  status: number;
  body: Buffer;
  /** performance.now() when the request was handed to the socket pool. */
  sentAt: number;
  /** performance.now() when the last byte of the response had arrived. */
  receivedAt: number;
}

/**
 * A minimal client on node's http with a keep-alive pool: no fetch/undici layers, so that the numbers are the
 * server's and not the client's. It only talks to the one loopback base URL it was made for.
 */
export class LoopbackClient {
  private readonly agent: http.Agent;

  constructor(
    readonly base: URL,
    maxSockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      const headers: http.OutgoingHttpHeaders = { Accept: 'application/json' };
      if (payload) {
        headers['Content-Type'] = contentType;
        headers['Content-Length'] = payload.length;
      }
      const sentAt = performance.now();
      const req = http.request(
        { host: this.base.hostname, port: this.base.port || 80, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const receivedAt = performance.now();
            resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), sentAt, receivedAt });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path} got no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like `request`, but anything other than `expected` is an error carrying the server's message. */
  async expect(expected: number, method: string, path: string, body?: string, contentType?: string): Promise<Reply> {
    const reply = await this.request(method, path, body, contentType);
    if (reply.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${reply.status}: ${statusMessage(reply.body)}`);
    return reply;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The message of a Kubernetes Status body, or the start of whatever else came back. */
export function statusMessage(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: quote it as it is.
  }
  return text.slice(0, 200);
}
