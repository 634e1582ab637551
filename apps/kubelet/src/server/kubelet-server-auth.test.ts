import https from 'node:https';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import type { SubjectAccessReview, TokenReview } from '@skiff/api';
import { ClusterCA, type IssuedCertificate } from '@skiff/pki';
import { FakeKubeletDeps } from './fake-kubelet-deps';
import { KubeletAuth } from './kubelet-auth';
import { KubeletServer } from './kubelet-server';
import { TokenWebhookAuthenticator } from './token-webhook-authenticator';
import { WebhookAuthorizer } from './webhook-authorizer';

// The kubelet API over HTTPS: client certificates from the cluster CA, a webhook authorizer that asks the
// (here: recorded) apiserver, Kubernetes' 401 and 403 answers.
let ca: ClusterCA;
let serving: IssuedCertificate;
let apiserverClient: IssuedCertificate;
let stranger: IssuedCertificate;
let viewer: IssuedCertificate;
let reviews: SubjectAccessReview[];
let tokenReviews: TokenReview[];
let server: KubeletServer;
let port: number;

beforeAll(async () => {
  ca = await ClusterCA.create();
  const other = await ClusterCA.create();
  serving = await ca.issueServing({ commonName: 'system:node:node-a', organizations: ['system:nodes'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  apiserverClient = await ca.issueClient({ commonName: 'kube-apiserver-kubelet-client', organizations: [] });
  viewer = await ca.issueClient({ commonName: 'viewer', organizations: ['monitoring'] });
  stranger = await other.issueClient({ commonName: 'kube-apiserver-kubelet-client', organizations: [] });
});

// The apiserver's token checks, reduced: one good token (a service account's), one it explains is bad, and the rest unknown.
const tokenReview = async (r: TokenReview): Promise<TokenReview> => {
  tokenReviews.push(r);
  if (r.spec.token === 'good-token') return { ...r, status: { authenticated: true, user: { username: 'system:serviceaccount:monitoring:scraper', uid: 'u-1', groups: ['system:serviceaccounts'] } } };
  if (r.spec.token === 'expired-token') return { ...r, status: { authenticated: false, error: 'token has expired' } };
  return { ...r, status: { authenticated: false } };
};

async function startServer(opts: { anonymous: boolean; webhook: boolean; tokens?: boolean }): Promise<void> {
  reviews = [];
  tokenReviews = [];
  // The apiserver's RBAC, reduced: the kubelet client may do anything on nodes; the viewer may read stats only.
  const review = async (r: SubjectAccessReview): Promise<SubjectAccessReview> => {
    reviews.push(r);
    const a = r.spec.resourceAttributes!;
    const statsReader = r.spec.user === 'viewer' || r.spec.user === 'system:serviceaccount:monitoring:scraper';
    const allowed = r.spec.user === 'kube-apiserver-kubelet-client' || (statsReader && a.subresource === 'stats' && a.verb === 'get');
    return { ...r, status: { allowed } };
  };
  const webhook = opts.webhook ? new WebhookAuthorizer(review, { authorizedTtlMs: 60_000, unauthorizedTtlMs: 1_000 }) : undefined;
  const tokens = opts.tokens ? new TokenWebhookAuthenticator(tokenReview, { cacheTtlMs: 60_000 }) : undefined;
  const auth = new KubeletAuth({ clientCertificates: true, anonymous: opts.anonymous, webhook, tokens, nodeName: 'node-a' });
  server = new KubeletServer(new FakeKubeletDeps(), { address: '127.0.0.1', port: 0, metrics: new Registry(), tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem }, auth });
  port = await server.listen();
}

afterEach(async () => {
  await server?.close();
});

function get(path: string, cert?: IssuedCertificate, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const req = https.request({ host: '127.0.0.1', port, path, headers, agent: false, ca: ca.certPem, cert: cert?.certPem, key: cert?.keyPem }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the kubelet API over HTTPS with Webhook authorization', () => {
  beforeEach(() => startServer({ anonymous: false, webhook: true }));

  it('refuses a request without a certificate with 401, /healthz included, and asks no one', async () => {
    for (const path of ['/pods', '/healthz', '/stats/summary']) expect(await get(path)).toEqual({ status: 401, text: 'Unauthorized\n' });
    expect(reviews).toEqual([]);
  });

  it('refuses a certificate from another CA with 401', async () => {
    expect(await get('/pods', stranger)).toEqual({ status: 401, text: 'Unauthorized\n' });
  });

  it('serves the apiserver\'s client certificate after a SubjectAccessReview on nodes/<node>/proxy', async () => {
    const res = await get('/pods', apiserverClient);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).kind).toBe('PodList');
    expect(reviews).toEqual([
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        metadata: {},
        spec: { user: 'kube-apiserver-kubelet-client', groups: ['system:authenticated'], resourceAttributes: { verb: 'get', version: 'v1', resource: 'nodes', subresource: 'proxy', name: 'node-a' } },
      },
    ]);
  });

  it('answers a user the authorizer does not allow with 403 naming the attributes', async () => {
    expect(await get('/pods', viewer)).toEqual({ status: 403, text: 'Forbidden (user=viewer, verb=get, resource=nodes, subresource=proxy)\n' });
    expect((await get('/stats/summary', viewer)).status).toBe(200);
    expect(await get('/metrics', viewer)).toEqual({ status: 403, text: 'Forbidden (user=viewer, verb=get, resource=nodes, subresource=metrics)\n' });
  });

  it('reuses an allowed answer instead of asking again', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/pods', apiserverClient)).status).toBe(200);
    expect(reviews).toHaveLength(1);
  });

  it('authorizes exec and attach upgrades before taking them', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${port}/exec/default/web/app?command=true&output=1`, ['v5.channel.k8s.io'], { ca: ca.certPem, cert: viewer.certPem, key: viewer.keyPem });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
    expect(reviews.at(-1)?.spec.resourceAttributes).toMatchObject({ verb: 'get', subresource: 'proxy' });
  });
});

describe('the kubelet API over HTTPS with AlwaysAllow', () => {
  it('serves anonymous requests when anonymous authentication is on', async () => {
    await startServer({ anonymous: true, webhook: false });
    expect((await get('/pods')).status).toBe(200);
    expect((await get('/pods', stranger)).status).toBe(401);
  });

  it('still needs a verified certificate when anonymous authentication is off', async () => {
    await startServer({ anonymous: false, webhook: false });
    expect((await get('/pods')).status).toBe(401);
    expect((await get('/pods', viewer)).status).toBe(200);
  });
});

describe('bearer tokens with the token webhook', () => {
  it('authenticates a token the apiserver vouches for, then authorizes its user', async () => {
    await startServer({ anonymous: false, webhook: true, tokens: true });
    expect((await get('/stats/summary', undefined, 'good-token')).status).toBe(200);
    expect(await get('/pods', undefined, 'good-token')).toEqual({ status: 403, text: 'Forbidden (user=system:serviceaccount:monitoring:scraper, verb=get, resource=nodes, subresource=proxy)\n' });
    expect(reviews.at(-1)?.spec).toMatchObject({ user: 'system:serviceaccount:monitoring:scraper', uid: 'u-1', groups: ['system:serviceaccounts', 'system:authenticated'] });
    // Both requests took one TokenReview: the verdict is kept.
    expect(tokenReviews).toEqual([{ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: 'good-token' } }]);
  });

  it('refuses a bad token with 401, even where anonymous requests are allowed when the review says why', async () => {
    await startServer({ anonymous: true, webhook: false, tokens: true });
    expect((await get('/pods', undefined, 'expired-token')).status).toBe(401);
    // A token the apiserver has nothing to say about falls through to anonymous, as upstream.
    expect((await get('/pods', undefined, 'unknown-token')).status).toBe(200);
  });

  it('prefers a client certificate and ignores tokens without the token webhook', async () => {
    await startServer({ anonymous: false, webhook: true, tokens: false });
    expect((await get('/pods', undefined, 'good-token')).status).toBe(401);
    expect((await get('/pods', apiserverClient, 'good-token')).status).toBe(200);
    expect(tokenReviews).toEqual([]);
  });
});
