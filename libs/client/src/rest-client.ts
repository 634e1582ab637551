import * as http from 'node:http';
import * as https from 'node:https';
import type { DeleteOptions, KList, KObject, ResourceType, Status } from '@skiff/api';
import { ApiError, apiErrorFromResponse, failureStatus } from './api-error';
import type { ClientConfig } from './kubeconfig';
import {
  patchContentTypes,
  type KubeClient,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type WatchOptions,
  type WatchStream,
  type WriteOptions,
} from './kube-client';
import { listQuery, queryString, resourcePath, watchQuery, writeQuery } from './resource-paths';
import { WatchChannel } from './watch-channel';
import { WatchEventDecoder } from './watch-decoder';

export interface HttpKubeClientOptions {
  /** Deadline for ordinary requests; watches are bounded by their timeoutSeconds instead. Default 60 s. */
  requestTimeoutMs?: number;
  userAgent?: string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** TLS settings of the client's connections, for a connection opened outside its agent (a WebSocket). */
export interface ClientTlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** What a connection of one's own to the server needs: the full URL, the headers every request carries, the TLS settings. */
export interface ConnectionSettings {
  url: URL;
  headers: Record<string, string>;
  tls: ClientTlsSettings;
}

/** Extra time a watch gets beyond its server-side timeoutSeconds before the client gives up on a silent server. */
const watchGraceMs = 30_000;

/** KubeClient over the apiserver's REST API, with node's http/https and keep-alive connections. */
export class HttpKubeClient implements KubeClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly authorization?: string;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;
  private readonly tls: ClientTlsSettings;

  constructor(readonly config: ClientConfig, opts: HttpKubeClientOptions = {}) {
    this.base = new URL(config.server);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new Error(`server ${config.server} must be an http:// or https:// URL`);
    }
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    this.tls = {
      ca: config.caData,
      cert: config.certData,
      key: config.keyData,
      rejectUnauthorized: !config.insecureSkipTLSVerify,
      servername: config.tlsServerName,
    };
    this.agent = secure ? new https.Agent({ keepAlive: true, ...this.tls }) : new http.Agent({ keepAlive: true });
    if (config.token) this.authorization = `Bearer ${config.token}`;
    else if (config.username !== undefined) {
      this.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
    }
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    this.userAgent = opts.userAgent ?? 'skiff-client';
  }

  async get<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, opts: { subresource?: string } = {}): Promise<T> {
    return this.json<T>('GET', resourcePath(type, { namespace, name, subresource: opts.subresource }));
  }

  async list<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, opts: ListOptions = {}): Promise<KList<T>> {
    return this.json<KList<T>>('GET', resourcePath(type, { namespace }) + queryString(listQuery(opts)));
  }

  async create<T extends KObject>(
    type: ResourceType<any>,
    namespace: string | undefined,
    obj: T,
    opts: WriteOptions & { subresource?: string; name?: string } = {},
  ): Promise<T> {
    const path = resourcePath(type, { namespace, name: opts.name, subresource: opts.subresource });
    return this.json<T>('POST', path + queryString(writeQuery(opts)), obj);
  }

  async update<T extends KObject>(type: ResourceType<any>, obj: T, opts: WriteOptions & { subresource?: string } = {}): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`cannot update ${type.resource}: the object has no metadata.name`);
    const path = resourcePath(type, { namespace: obj.metadata.namespace, name, subresource: opts.subresource });
    return this.json<T>('PUT', path + queryString(writeQuery(opts)), obj);
  }

  async patch<T extends KObject>(
    type: ResourceType<any>,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): Promise<T> {
    const path = resourcePath(type, { namespace, name, subresource: opts.subresource });
    const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
    const res = await this.send('PATCH', path + queryString(writeQuery(opts)), body, { 'Content-Type': patchContentTypes[patchType] });
    return this.decode<T>(res, 'PATCH', path);
  }

  async delete<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status> {
    const body = opts ? { apiVersion: 'v1', kind: 'DeleteOptions', ...opts } : undefined;
    return this.json<T | Status>('DELETE', resourcePath(type, { namespace, name }), body);
  }

  async deleteCollection(type: ResourceType<any>, namespace: string | undefined, opts: ListOptions = {}): Promise<void> {
    await this.json<unknown>('DELETE', resourcePath(type, { namespace }) + queryString(listQuery(opts)));
  }

  watch<T extends KObject>(type: ResourceType<any>, namespace: string | undefined, opts: WatchOptions): WatchStream<T> {
    const path = resourcePath(type, { namespace }) + queryString(watchQuery(opts));
    let request: http.ClientRequest | undefined;
    let response: http.IncomingMessage | undefined;
    const channel = new WatchChannel<T>({
      onStop: () => request?.destroy(),
      onPause: () => response?.pause(),
      onResume: () => response?.resume(),
    });
    const decoder = new WatchEventDecoder<T>();
    const fail = (err: unknown) => {
      channel.fail(err);
      request?.destroy();
    };
    request = this.transport.request(this.url(path), { method: 'GET', agent: this.agent, headers: this.headers() });
    if (opts.timeoutSeconds) {
      request.setTimeout(opts.timeoutSeconds * 1000 + watchGraceMs, () =>
        fail(new Error(`watch ${path}: no end from the server ${watchGraceMs / 1000}s after its timeout`)),
      );
    }
    request.on('error', (err) => {
      if (!channel.isClosed) fail(new Error(`GET ${path}: ${err.message}`, { cause: err }));
    });
    request.on('response', (res) => {
      response = res;
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        collect(res).then(
          (body) => fail(apiErrorFromResponse(status, body, 'GET', path)),
          (err) => fail(err),
        );
        return;
      }
      res.on('data', (chunk: Buffer) => {
        try {
          for (const ev of decoder.write(chunk)) channel.push(ev);
        } catch (err) {
          fail(err);
        }
      });
      res.on('end', () => {
        try {
          for (const ev of decoder.end()) channel.push(ev);
          channel.end();
        } catch (err) {
          fail(err);
        }
      });
      res.on('error', (err) => {
        if (!channel.isClosed) fail(new Error(`watch ${path}: ${err.message}`, { cause: err }));
      });
      res.on('close', () => {
        if (!res.complete && !channel.isClosed) fail(new Error(`watch ${path}: connection closed mid-stream`));
      });
    });
    request.end();
    return channel;
  }

  /** A request to any path (/version, /healthz, /openapi/v2) that returns the reply as is, whatever its status. */
  async rawRequest(method: string, path: string, body?: string | Buffer | object, headers: Record<string, string> = {}): Promise<RawResponse> {
    const payload = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const extra = { ...headers };
    if (payload !== undefined && !Object.keys(extra).some((h) => h.toLowerCase() === 'content-type')) {
      extra['Content-Type'] = typeof body === 'object' && !Buffer.isBuffer(body) ? 'application/json' : 'text/plain';
    }
    return this.send(method, path, payload, extra);
  }

  /**
   * A request whose reply is handed over unread once its headers arrive, whatever its status: for bodies that
   * stream for as long as the server likes (followed logs). Only the wait for the headers has a deadline.
   */
  streamRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request(this.url(path), { method, agent: this.agent, headers: { ...this.headers(), ...headers } });
      req.setTimeout(this.requestTimeoutMs, () => req.destroy(new Error(`no reply within ${this.requestTimeoutMs} ms`)));
      req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`, { cause: err })));
      req.on('response', (res) => {
        req.setTimeout(0);
        resolve(res);
      });
      req.end();
    });
  }

  /** The URL, auth headers and TLS settings for a connection this client does not make itself (a WebSocket upgrade). */
  connectionTo(path: string): ConnectionSettings {
    const { Accept: _accept, ...headers } = this.headers();
    return { url: this.url(path), headers, tls: { ...this.tls } };
  }

  /** Closes idle keep-alive connections so a program can exit. */
  close(): void {
    this.agent.destroy();
  }

  private async json<R>(method: string, path: string, body?: unknown): Promise<R> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.send(method, path, payload, payload === undefined ? {} : { 'Content-Type': 'application/json' });
    return this.decode<R>(res, method, path);
  }

  private decode<R>(res: RawResponse, method: string, path: string): R {
    if (res.status < 200 || res.status >= 300) throw apiErrorFromResponse(res.status, res.body, method, path);
    try {
      return JSON.parse(res.body) as R;
    } catch {
      const excerpt = res.body.trim().slice(0, 200);
      throw new ApiError(failureStatus(500, 'InternalError', `${method} ${path}: the server replied ${res.status} with a body that is not JSON: ${excerpt}`));
    }
  }

  private send(method: string, path: string, payload: string | Buffer | undefined, headers: Record<string, string>): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const all: Record<string, string | number> = { ...this.headers(), ...headers };
      if (payload !== undefined) all['Content-Length'] = Buffer.byteLength(payload);
      const req = this.transport.request(this.url(path), { method, agent: this.agent, headers: all });
      req.setTimeout(this.requestTimeoutMs, () => req.destroy(new Error(`no reply within ${this.requestTimeoutMs} ms`)));
      req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`, { cause: err })));
      req.on('response', (res) => {
        collect(res).then(
          (body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
          (err: Error) => reject(new Error(`${method} ${path}: ${err.message}`, { cause: err })),
        );
      });
      req.end(payload);
    });
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    if (this.authorization) h.Authorization = this.authorization;
    return h;
  }

  /** Joins the server URL (which may carry a path prefix) with an API path. */
  private url(path: string): URL {
    const url = new URL(this.base.href);
    const [pathname, search] = splitOnce(path, '?');
    url.pathname = this.base.pathname.replace(/\/+$/, '') + pathname;
    url.search = search ? `?${search}` : '';
    return url;
  }
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the reply was complete'));
    });
  });
}
