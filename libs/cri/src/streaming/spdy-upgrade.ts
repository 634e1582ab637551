import * as http from 'http';
import * as https from 'https';
import { Socket } from 'net';
import { SpdyConnection, SpdyConnectionOptions } from './spdy-connection';

const MAX_ERROR_BODY = 64 * 1024;

export interface SpdyUpgradeOptions {
  /** Extra request headers, e.g. X-Stream-Protocol-Version. */
  headers?: Record<string, string>;
  method?: string;
  signal?: AbortSignal;
  /** TLS settings for https URLs (a runtime's self-signed streaming server needs `rejectUnauthorized: false` or a `ca`). */
  tls?: Pick<https.RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
  connection?: SpdyConnectionOptions;
}

export interface SpdyUpgradeResult {
  connection: SpdyConnection;
  /** The 101 response's headers (lower-case names), e.g. the negotiated x-stream-protocol-version. */
  responseHeaders: http.IncomingHttpHeaders;
}

/** A server answered the upgrade request with something other than 101 Switching Protocols. */
export class SpdyUpgradeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`SPDY upgrade refused with HTTP ${statusCode}${body.trim() ? `: ${body.trim()}` : ''}`);
    this.name = 'SpdyUpgradeError';
  }
}

/** Sends `Connection: Upgrade` / `Upgrade: SPDY/3.1` and turns the 101 answer into a SpdyConnection. */
export function connectSpdy(url: string | URL, options: SpdyUpgradeOptions = {}): Promise<SpdyUpgradeResult> {
  const target = typeof url === 'string' ? new URL(url) : url;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new Error(`cannot open a SPDY connection to ${target.href}: only http and https URLs are supported`));
  }
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<SpdyUpgradeResult>((resolve, reject) => {
    const requestOptions: https.RequestOptions = {
      method: options.method ?? 'POST',
      headers: { ...options.headers, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'Content-Length': '0' },
      ...(target.protocol === 'https:' ? options.tls : {}),
    };
    const request = (target.protocol === 'https:' ? https : http).request(target, requestOptions);
    // The signal covers the upgrade only; the connection it yields is the caller's to tear down.
    const onAbort = () => request.destroy(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (outcome: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    request.on('upgrade', (response, socket: Socket, head: Buffer) => {
      const upgrade = String(response.headers.upgrade ?? '').toLowerCase();
      if (response.statusCode !== 101 || !upgrade.includes('spdy/3.1')) {
        socket.destroy();
        settle(() => reject(new Error(`SPDY upgrade answered with HTTP ${response.statusCode} and Upgrade: ${upgrade || '(none)'}`)));
        return;
      }
      socket.setNoDelay(true);
      try {
        const connection = new SpdyConnection(socket, head, options.connection);
        settle(() => resolve({ connection, responseHeaders: response.headers }));
      } catch (err) {
        socket.destroy();
        settle(() => reject(err));
      }
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        // Only the start of an error page is worth reporting.
        if (length < MAX_ERROR_BODY) chunks.push(chunk);
        length += chunk.length;
      });
      response.on('end', () => {
        const body = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8');
        settle(() => reject(new SpdyUpgradeError(response.statusCode ?? 0, body)));
      });
      response.on('error', (err) => settle(() => reject(err)));
    });
    request.on('error', (err) => settle(() => reject(err)));
    request.end();
  });
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('SPDY upgrade aborted');
}
