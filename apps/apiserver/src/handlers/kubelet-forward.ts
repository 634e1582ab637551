import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import type { StatusReason } from '@skiff/api';
import type { KubeletEndpoint } from './kubelet-endpoint';
import { StatusError, internal } from './status-error';
import type { UpgradeRequest } from './upgrade-requests';

/** Headers that describe one connection, not the message, and are never forwarded. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);
/** The kubelet trusts the apiserver, not the apiserver's clients: their credentials stay here. */
const clientCredentials = new Set(['authorization', 'cookie', 'proxy-authorization']);

const dialTimeoutMs = 30_000;
const maxErrorBody = 64 * 1024;

function forwardedHeaders(headers: http.IncomingHttpHeaders, upgrade: boolean): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || hopByHop.has(k) || clientCredentials.has(k)) continue;
    out[k] = v;
  }
  if (upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = headers.upgrade;
  }
  return out;
}

function reasonFor(code: number): StatusReason {
  const reasons: Record<number, StatusReason> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    422: 'Invalid',
    429: 'TooManyRequests',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'InternalError';
}

/** A kubelet's error answer as a Status error: its own Status body when it sent one, else its text. */
export function kubeletError(code: number, body: string): StatusError {
  try {
    const s = JSON.parse(body) as { kind?: string; code?: number; reason?: StatusReason; message?: string; details?: StatusError['details'] };
    if (s && s.kind === 'Status' && typeof s.message === 'string') {
      const c = typeof s.code === 'number' && s.code >= 400 ? s.code : code;
      return new StatusError(c, s.reason ?? reasonFor(c), s.message, s.details);
    }
  } catch {
    // Not JSON: the text is the message.
  }
  const text = body.trim();
  return new StatusError(code >= 400 ? code : 500, reasonFor(code), text || `the kubelet answered ${code}`);
}

async function readText(res: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    text += chunk;
    if (text.length > maxErrorBody) break;
  }
  return text;
}

function dialError(e: Error): StatusError {
  return internal(`error dialing backend: ${e.message}`);
}

/**
 * One request to a kubelet, its own connection, failing if the connection is not made within the dial timeout.
 * With a client certificate it is HTTPS: the kubelet's serving certificate is verified against the configured CA
 * (for the address dialled), and not at all without one, as Kubernetes' apiserver does.
 */
function kubeletRequest(endpoint: KubeletEndpoint, method: string, path: string, headers: http.OutgoingHttpHeaders): http.ClientRequest {
  const { tls } = endpoint;
  const kreq = tls
    ? https.request({
        host: endpoint.host,
        port: endpoint.port,
        method,
        path,
        headers,
        agent: false,
        cert: tls.certPem,
        key: tls.keyPem,
        ca: tls.caPem,
        rejectUnauthorized: tls.caPem !== undefined,
        ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      })
    : http.request({ host: endpoint.host, port: endpoint.port, method, path, headers, agent: false });
  kreq.on('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => kreq.destroy(new Error(`dial tcp ${endpoint.host}:${endpoint.port}: i/o timeout`)), dialTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
  return kreq;
}

function responseOf(kreq: http.ClientRequest, body?: Readable): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    kreq.once('response', resolve);
    kreq.once('error', (e) => reject(dialError(e)));
    if (body) body.pipe(kreq);
    else kreq.end();
  });
}

/** Pipes a kubelet's response body to the client; either side going away ends the other. */
function pipeBody(kres: http.IncomingMessage, res: Response): Promise<void> {
  return new Promise((resolve) => {
    res.on('close', () => {
      kres.destroy();
      resolve();
    });
    kres.on('error', () => res.destroy());
    kres.on('aborted', () => res.destroy());
    kres.pipe(res);
  });
}

/**
 * GET a kubelet stream (a container log) and pass its body through as it comes, flushing the headers first so
 * that a follower sees the answer before the first line. A kubelet error becomes the client's Status.
 */
export async function streamFromKubelet(endpoint: KubeletEndpoint, path: string, res: Response): Promise<void> {
  const kres = await responseOf(kubeletRequest(endpoint, 'GET', path, { accept: 'text/plain, */*' }));
  const code = kres.statusCode ?? 500;
  if (code < 200 || code >= 300) throw kubeletError(code, await readText(kres));
  res.statusCode = 200;
  res.setHeader('Content-Type', kres.headers['content-type'] ?? 'text/plain');
  res.flushHeaders();
  await pipeBody(kres, res);
}

/** Forwards any request to the kubelet and its answer back as it is (nodes/{name}/proxy). */
export async function proxyToKubelet(endpoint: KubeletEndpoint, method: string, path: string, req: http.IncomingMessage, res: Response): Promise<void> {
  const kres = await responseOf(kubeletRequest(endpoint, method, path, forwardedHeaders(req.headers, false)), req);
  res.statusCode = kres.statusCode ?? 502;
  for (const [k, v] of Object.entries(kres.headers)) {
    if (v !== undefined && !hopByHop.has(k)) res.setHeader(k, v);
  }
  await pipeBody(kres, res);
}

/**
 * Hands an upgrade request (exec, attach, or a proxied WebSocket) to the kubelet with its headers, then joins
 * the two connections byte for byte once the kubelet has switched protocols. A refusal comes back as a Status.
 */
export function upgradeToKubelet(endpoint: KubeletEndpoint, path: string, req: http.IncomingMessage, upgrade: UpgradeRequest, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const kreq = kubeletRequest(endpoint, req.method ?? 'GET', path, forwardedHeaders(req.headers, true));
    kreq.once('upgrade', (kres: http.IncomingMessage, kubeletSocket: Socket, kubeletHead: Buffer) => {
      const { socket, head } = upgrade;
      res.detachSocket(socket as Socket);
      const lines = [`HTTP/1.1 ${kres.statusCode} ${kres.statusMessage ?? ''}`];
      for (let i = 0; i < kres.rawHeaders.length; i += 2) lines.push(`${kres.rawHeaders[i]}: ${kres.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (kubeletHead.length) socket.write(kubeletHead);
      if (head.length) kubeletSocket.write(head);
      upgrade.track(socket);
      const close = () => {
        socket.destroy();
        kubeletSocket.destroy();
      };
      socket.on('error', close).on('close', close);
      kubeletSocket.on('error', close).on('close', close);
      kubeletSocket.pipe(socket);
      socket.pipe(kubeletSocket);
      resolve();
    });
    kreq.once('response', (kres) => {
      readText(kres).then((body) => reject(kubeletError(kres.statusCode ?? 500, body)), reject);
    });
    kreq.once('error', (e) => reject(dialError(e)));
    kreq.end();
  });
}
