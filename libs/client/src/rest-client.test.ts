import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KObject, ResourceType } from '@skiff/api';
import { ApiError, isGone, isNotFound } from './api-error';
import { listAll } from './list-all';
import { HttpKubeClient } from './rest-client';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const pods = { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true } as ResourceType;
const nodes = { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false } as ResourceType;
const deployments = { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true } as ResourceType;

let server: http.Server;
let base: string;
let handler: Handler;
let seen: Seen[];
const clients: HttpKubeClient[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
  handler = (_req, res) => json(res, 200, { metadata: {} });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function client(extra: Partial<ConstructorParameters<typeof HttpKubeClient>[0]> = {}): HttpKubeClient {
  const c = new HttpKubeClient({ server: base, namespace: 'default', token: 'tkn', ...extra });
  clients.push(c);
  return c;
}

const pod = (name: string, extra: Partial<KObject> = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, ...extra });

describe('HttpKubeClient requests', () => {
  it('GETs objects with JSON and bearer token headers', async () => {
    handler = (_req, res) => json(res, 200, pod('web'));
    const got = await client().get(pods, 'default', 'web');
    expect(got.metadata.name).toBe('web');
    expect(seen[0].method).toBe('GET');
    expect(seen[0].url).toBe('/api/v1/namespaces/default/pods/web');
    expect(seen[0].headers.accept).toBe('application/json');
    expect(seen[0].headers.authorization).toBe('Bearer tkn');
  });

  it('sends basic auth when there is no token', async () => {
    await client({ token: undefined, username: 'admin', password: 'pw' }).get(nodes, undefined, 'n1');
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
    expect(seen[0].url).toBe('/api/v1/nodes/n1');
  });

  it('keeps a path prefix of the server URL', async () => {
    await client({ server: `${base}/k8s/` }).list(deployments, 'prod', { labelSelector: 'app=api', limit: 10 });
    expect(seen[0].url).toBe('/k8s/apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dapi&limit=10');
  });

  it('creates, updates, patches and deletes at the right URLs with the right bodies', async () => {
    handler = (_req, res, body) => json(res, 201, body ? JSON.parse(body) : {});
    const c = client();
    await c.create(pods, 'default', pod('a'), { fieldManager: 'skiff', dryRun: true });
    await c.create(pods, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'n1' } }, { name: 'a', subresource: 'binding' });
    await c.update(pods, pod('a', { status: { phase: 'Running' } }), { subresource: 'status' });
    await c.patch(pods, 'default', 'a', 'merge', { metadata: { labels: { x: 'y' } } });
    await c.patch(pods, 'default', 'a', 'json', [{ op: 'remove', path: '/metadata/labels/x' }]);
    await c.patch(pods, 'default', 'a', 'strategic', {});
    await c.patch(pods, 'default', 'a', 'apply', pod('a'), { fieldManager: 'kubectl', force: true });
    await c.delete(pods, 'default', 'a', { gracePeriodSeconds: 0 });
    await c.deleteCollection(pods, 'default', { labelSelector: 'app=web' });

    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/namespaces/default/pods?fieldManager=skiff&dryRun=All',
      'POST /api/v1/namespaces/default/pods/a/binding',
      'PUT /api/v1/namespaces/default/pods/a/status',
      'PATCH /api/v1/namespaces/default/pods/a',
      'PATCH /api/v1/namespaces/default/pods/a',
      'PATCH /api/v1/namespaces/default/pods/a',
      'PATCH /api/v1/namespaces/default/pods/a?fieldManager=kubectl&force=true',
      'DELETE /api/v1/namespaces/default/pods/a',
      'DELETE /api/v1/namespaces/default/pods?labelSelector=app%3Dweb',
    ]);
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0].body).metadata.name).toBe('a');
    expect(JSON.parse(seen[2].body).status.phase).toBe('Running');
    expect(seen.slice(3, 7).map((s) => s.headers['content-type'])).toEqual([
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(JSON.parse(seen[4].body)).toEqual([{ op: 'remove', path: '/metadata/labels/x' }]);
    expect(JSON.parse(seen[7].body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
  });
});

describe('HttpKubeClient errors', () => {
  it('turns a Status reply into an ApiError', async () => {
    handler = (_req, res) => json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "x" not found' });
    const err = await client().get(pods, 'default', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(isNotFound(err)).toBe(true);
    expect(err.message).toBe('pods "x" not found');
  });

  it('turns a non-JSON error page into an ApiError with a readable message', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('Bad Gateway');
    };
    const err = await client().get(pods, 'default', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(502);
    expect(err.message).toBe('the server responded with status 502 to GET /api/v1/namespaces/default/pods/x: Bad Gateway');
  });

  it('reports an unreachable server as a plain error naming the request', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await client({ server: `http://127.0.0.1:${port}` }).get(pods, 'default', 'x').catch((e) => e);
    expect(err).not.toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/^GET \/api\/v1\/namespaces\/default\/pods\/x: .*ECONNREFUSED/);
  });
});

describe('HttpKubeClient watch', () => {
  it('streams events split across arbitrary chunks and ends when the server closes', async () => {
    const lines = ['a', 'b', 'c'].map((n, i) => JSON.stringify({ type: 'ADDED', object: pod(n, { metadata: { name: n, namespace: 'default', resourceVersion: String(i + 1) } }) }) + '\n');
    const wire = lines.join('') + JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '9' } } }) + '\n';
    handler = async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < wire.length; i += 13) {
        res.write(wire.slice(i, i + 13));
        await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    };
    const events: string[] = [];
    for await (const ev of client().watch(pods, 'default', { resourceVersion: '0', allowWatchBookmarks: true, timeoutSeconds: 30 })) {
      events.push(`${ev.type} ${ev.object.metadata.resourceVersion}`);
    }
    expect(events).toEqual(['ADDED 1', 'ADDED 2', 'ADDED 3', 'BOOKMARK 9']);
    expect(seen[0].url).toBe('/api/v1/namespaces/default/pods?resourceVersion=0&watch=true&allowWatchBookmarks=true&timeoutSeconds=30');
  });

  it('throws an ApiError from the iterator when the server refuses the watch', async () => {
    handler = (_req, res) => json(res, 410, { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (50)' });
    const stream = client().watch(pods, undefined, { resourceVersion: '1' });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e) => e);
    expect(isGone(err)).toBe(true);
    expect(seen[0].url).toBe('/api/v1/pods?resourceVersion=1&watch=true');
  });

  it('delivers what arrived, then throws, when the connection drops mid-stream', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: pod('a') }) + '\n' + '{"type":"ADD');
      setTimeout(() => req.socket.destroy(), 5);
    };
    const names: string[] = [];
    const err = await (async () => {
      for await (const ev of client().watch(pods, 'default', {})) names.push(ev.object.metadata.name!);
    })().catch((e) => e);
    expect(names).toEqual(['a']);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/^(watch|GET) \/api\/v1\/namespaces\/default\/pods\?watch=true: /);
  });

  it('closes the connection when stopped', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((r) => (closed = r));
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: pod('a') }) + '\n');
      req.socket.on('close', closed);
    };
    const stream = client().watch(pods, 'default', {});
    for await (const ev of stream) {
      expect(ev.object.metadata.name).toBe('a');
      stream.stop();
    }
    await connectionClosed;
  });
});

describe('listAll and rawRequest', () => {
  it('follows continue tokens and keeps the first page resourceVersion', async () => {
    handler = (req, res) => {
      const token = new URL(req.url!, base).searchParams.get('continue');
      if (!token) json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '7', continue: 'p2' }, items: [pod('a'), pod('b')] });
      else if (token === 'p2') json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '7', continue: 'p3' }, items: [pod('c')] });
      else json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '7' }, items: [pod('d')] });
    };
    const list = await listAll(client(), pods, 'default', { limit: 2 });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(list.metadata).toEqual({ resourceVersion: '7' });
    expect(seen.map((s) => s.url)).toEqual([
      '/api/v1/namespaces/default/pods?limit=2',
      '/api/v1/namespaces/default/pods?limit=2&continue=p2',
      '/api/v1/namespaces/default/pods?limit=2&continue=p3',
    ]);
  });

  it('falls back to one full list when a continue token has expired', async () => {
    handler = (req, res) => {
      const q = new URL(req.url!, base).searchParams;
      if (q.get('continue')) json(res, 410, { kind: 'Status', reason: 'Expired', code: 410, message: 'continue token expired' });
      else if (q.get('limit')) json(res, 200, { metadata: { resourceVersion: '7', continue: 'p2' }, items: [pod('a')] });
      else json(res, 200, { metadata: { resourceVersion: '9' }, items: [pod('a'), pod('b'), pod('c')] });
    };
    const list = await listAll(client(), pods, 'default', { limit: 1 });
    expect(list.items).toHaveLength(3);
    expect(list.metadata.resourceVersion).toBe('9');
  });

  it('rawRequest returns the reply as is, even for error codes', async () => {
    handler = (req, res) => {
      if (req.url === '/version') json(res, 200, { major: '1', minor: '30', gitVersion: 'v1.30.0-skiff' });
      else {
        res.writeHead(500);
        res.end('[-]etcd failed');
      }
    };
    const c = client();
    const version = await c.rawRequest('GET', '/version');
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body).gitVersion).toBe('v1.30.0-skiff');
    const health = await c.rawRequest('GET', '/healthz');
    expect(health).toMatchObject({ status: 500, body: '[-]etcd failed' });
  });
});
