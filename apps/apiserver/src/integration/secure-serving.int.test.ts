import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA, adminIdentity, writeKubeconfig, type IssuedCertificate } from '@skiff/pki';
import { Kubectl, TestApiserver, TestEtcd, tlsRequest, waitFor } from '@skiff/testing';
import WebSocket from 'ws';
import { call } from './http';

jest.setTimeout(180_000);

// A real apiserver serving HTTPS with certificates from libs/pki: x509 and token authentication, RBAC.
let etcd: TestEtcd;
let rbacServer: TestApiserver;
let closedServer: TestApiserver;
let dir: string;
let ca: ClusterCA;
let admin: IssuedCertificate;
let stranger: IssuedCertificate;
let expired: IssuedCertificate;
let securePort: number;
let closedSecurePort: number;

const aliceToken = 'alice-token-0123456789';
const apiserverBin = path.join(__dirname, '..', '..', 'bin', 'skiff-apiserver.js');

interface Reply {
  status: number;
  body: any;
}

interface Credentials {
  cert?: IssuedCertificate;
  token?: string;
  port?: number;
}

function request(method: string, urlPath: string, creds: Credentials = {}, body?: unknown): Promise<Reply> {
  return tlsRequest({ port: creds.port ?? securePort, method, path: urlPath, caPem: ca.certPem, cert: creds.cert, token: creds.token, body }).then(({ status, body: replied }) => ({ status, body: replied }));
}

function securePortOf(server: TestApiserver): number {
  const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(server.output);
  if (!m) throw new Error(`no secure port in the apiserver's output:\n${server.output}`);
  return Number(m[1]);
}

const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiserver-tls-'));
  ca = await ClusterCA.create();
  const otherCa = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes'], ipAddresses: ['127.0.0.1'] });
  admin = await ca.issueClient({ commonName: adminIdentity.commonName, organizations: adminIdentity.organizations });
  stranger = await otherCa.issueClient({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  const dayMs = 24 * 3600 * 1000;
  expired = await ca.issueClient({ commonName: 'kubernetes-admin', organizations: ['system:masters'], notBefore: new Date(Date.now() - 10 * dayMs), notAfter: new Date(Date.now() - dayMs) });
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const tlsArgs = [
    '--secure-port=0',
    `--tls-cert-file=${file('apiserver.crt', serving.certPem)}`,
    `--tls-private-key-file=${file('apiserver.key', serving.keyPem)}`,
    `--client-ca-file=${file('ca.crt', ca.certPem)}`,
    `--token-auth-file=${file('tokens.csv', `# static tokens\n${aliceToken},alice,uid-alice,"team-a,team-b"\n`)}`,
    '--authorization-mode=RBAC',
  ];
  etcd = await TestEtcd.start();
  rbacServer = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: tlsArgs });
  closedServer = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: [...tlsArgs, '--anonymous-auth=false'] });
  securePort = securePortOf(rbacServer);
  closedSecurePort = securePortOf(closedServer);
  // The default policy is in the authorizer's cache once anonymous may read /version.
  await waitFor(async () => (await request('GET', '/version')).status === 200, { what: 'the default RBAC policy' });
});

afterAll(async () => {
  await Promise.all([rbacServer?.stop(), closedServer?.stop()]);
  await etcd?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('anonymous requests', () => {
  it('may read the public information paths and nothing else', async () => {
    for (const p of ['/version', '/healthz', '/livez', '/readyz']) expect([p, (await request('GET', p)).status]).toEqual([p, 200]);
    const pods = await request('GET', '/api/v1/namespaces/default/pods');
    expect(pods.status).toBe(403);
    expect(pods.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
    });
    const discovery = await request('GET', '/api');
    expect(discovery.status).toBe(403);
    expect(discovery.body.message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
  });

  it('may read the kube-public cluster-info ConfigMap, by the default Role', async () => {
    await request('POST', '/api/v1/namespaces/kube-public/configmaps', { cert: admin }, { metadata: { name: 'cluster-info' }, data: { ca: 'x' } });
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info')).status === 200, { what: 'the cluster-info reader binding' });
    expect((await request('GET', '/api/v1/namespaces/kube-public/configmaps')).status).toBe(403);
  });

  it('are refused with 401 when anonymous authentication is off', async () => {
    expect(await request('GET', '/version', { port: closedSecurePort })).toEqual({ status: 401, body: unauthorized });
    expect(await request('GET', '/api/v1/namespaces/default/pods', { port: closedSecurePort })).toEqual({ status: 401, body: unauthorized });
    // A credential still works there.
    expect((await request('GET', '/api/v1/namespaces/default/pods', { port: closedSecurePort, cert: admin })).status).toBe(200);
  });
});

describe('credentials that do not check out', () => {
  it('refuses a client certificate from another CA with 401, anonymous allowed or not', async () => {
    expect(await request('GET', '/api/v1/namespaces/default/pods', { cert: stranger })).toEqual({ status: 401, body: unauthorized });
    expect(await request('GET', '/version', { cert: stranger, port: closedSecurePort })).toEqual({ status: 401, body: unauthorized });
  });

  it('refuses an expired client certificate with 401', async () => {
    expect(await request('GET', '/api/v1/namespaces/default/pods', { cert: expired })).toEqual({ status: 401, body: unauthorized });
    expect(await request('GET', '/api/v1/namespaces/default/pods', { cert: expired, port: closedSecurePort })).toEqual({ status: 401, body: unauthorized });
  });

  it('refuses an unknown bearer token with 401', async () => {
    expect(await request('GET', '/version', { token: 'not-a-token' })).toEqual({ status: 401, body: unauthorized });
    expect(await request('GET', '/version', { token: 'not-a-token', port: closedSecurePort })).toEqual({ status: 401, body: unauthorized });
  });
});

describe('an authenticated user', () => {
  it('without bindings gets discovery but a 403 with Kubernetes\' message for resources', async () => {
    expect((await request('GET', '/api', { token: aliceToken })).status).toBe(200);
    expect((await request('GET', '/apis', { token: aliceToken })).status).toBe(200);
    const list = await request('GET', '/api/v1/namespaces/default/pods', { token: aliceToken });
    expect(list.status).toBe(403);
    expect(list.body.message).toBe('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    const one = await request('GET', '/apis/apps/v1/namespaces/default/deployments/web', { token: aliceToken });
    expect(one.body).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      message: 'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "default"',
    });
    const nodes = await request('GET', '/api/v1/nodes', { token: aliceToken });
    expect(nodes.body.message).toBe('nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it('may list pods in the one namespace a RoleBinding to view grants, and not elsewhere nor write', async () => {
    const ns = 'team-a-space';
    expect((await request('POST', '/api/v1/namespaces', { cert: admin }, { metadata: { name: ns } })).status).toBe(201);
    const binding = {
      metadata: { name: 'alice-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    };
    expect((await request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, { cert: admin }, binding)).status).toBe(201);
    const listed = await waitFor(async () => {
      const r = await request('GET', `/api/v1/namespaces/${ns}/pods`, { token: aliceToken });
      return r.status === 200 ? r : undefined;
    }, { what: 'the RoleBinding to take effect' });
    expect(listed.body.kind).toBe('PodList');
    expect((await request('GET', '/api/v1/namespaces/default/pods', { token: aliceToken })).status).toBe(403);
    const create = await request('POST', `/api/v1/namespaces/${ns}/pods`, { token: aliceToken }, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    expect(create.status).toBe(403);
    expect(create.body.message).toBe(`pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "${ns}"`);
    // view does not include secrets.
    expect((await request('GET', `/api/v1/namespaces/${ns}/secrets`, { token: aliceToken })).status).toBe(403);
  });

  it('authorizes a group from the token file', async () => {
    const binding = {
      metadata: { name: 'team-b-nodes' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-b' }],
    };
    const role = { metadata: { name: 'system:node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }] };
    expect((await request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { cert: admin }, role)).status).toBe(201);
    expect((await request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { cert: admin }, binding)).status).toBe(201);
    await waitFor(async () => (await request('GET', '/api/v1/nodes', { token: aliceToken })).status === 200, { what: 'the group binding to take effect' });
  });

  it('with a system:masters certificate may do everything', async () => {
    expect((await request('GET', '/api/v1/namespaces/default/secrets', { cert: admin })).status).toBe(200);
    expect((await request('GET', '/metrics', { cert: admin })).status).toBe(200);
    const cm = await request('POST', '/api/v1/namespaces/default/configmaps', { cert: admin }, { metadata: { name: 'by-admin' }, data: { a: 'b' } });
    expect(cm.status).toBe(201);
    expect((await request('DELETE', '/api/v1/namespaces/default/configmaps/by-admin', { cert: admin })).status).toBe(200);
  });
});

describe('WebSocket upgrades', () => {
  function upgrade(urlPath: string, creds: Credentials): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = creds.token ? { Authorization: `Bearer ${creds.token}` } : {};
      const ws = new WebSocket(`wss://127.0.0.1:${securePort}${urlPath}`, ['v5.channel.k8s.io'], { ca: ca.certPem, cert: creds.cert?.certPem, key: creds.cert?.keyPem, headers });
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      ws.on('open', () => {
        ws.close();
        reject(new Error('the upgrade was accepted'));
      });
      ws.on('error', (e) => {
        if (!/Unexpected server response/.test(e.message)) reject(e);
      });
    });
  }

  const exec = '/api/v1/namespaces/exec-space/pods/web/exec?command=sh&stdout=true';

  it('are authenticated: a bad token gets 401 before anything else', async () => {
    expect(await upgrade(exec, { token: 'not-a-token' })).toEqual({ status: 401, body: unauthorized });
  });

  it('need create on pods/exec besides get, as Kubernetes 1.30+ checks', async () => {
    expect((await request('POST', '/api/v1/namespaces', { cert: admin }, { metadata: { name: 'exec-space' } })).status).toBe(201);
    const anonymous = await upgrade(exec, {});
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.message).toBe('pods "web" is forbidden: User "system:anonymous" cannot get resource "pods/exec" in API group "" in the namespace "exec-space"');

    const getOnly = { metadata: { name: 'exec-get-only', namespace: 'exec-space' }, rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }] };
    const binding = {
      metadata: { name: 'alice-exec-get-only', namespace: 'exec-space' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exec-get-only' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    };
    expect((await request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/exec-space/roles', { cert: admin }, getOnly)).status).toBe(201);
    expect((await request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/exec-space/rolebindings', { cert: admin }, binding)).status).toBe(201);
    const denied = await waitFor(async () => {
      const r = await upgrade(exec, { token: aliceToken });
      return /cannot create/.test(r.body.message) ? r : undefined;
    }, { what: 'the exec Role to take effect' });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('pods "web" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" in the namespace "exec-space"');
    // An admin passes authorization and reaches the handler, which finds no such pod.
    expect((await upgrade(exec, { cert: admin })).status).toBe(404);
  });
});

describe('kubectl with an admin kubeconfig from writeKubeconfig', () => {
  it('lists namespaces over HTTPS, verifying the server', async () => {
    const kubectl = new Kubectl(`https://127.0.0.1:${securePort}`);
    try {
      writeKubeconfig(kubectl.kubeconfig, { server: `https://127.0.0.1:${securePort}`, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'kubernetes-admin', cluster: 'skiff' });
      const out = await kubectl.run(['get', 'ns', '-o', 'name']);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system', 'namespace/kube-public']));
    } finally {
      fs.rmSync(kubectl.dir, { recursive: true, force: true });
    }
  });
});

describe('the plain port', () => {
  it('still serves everything without credentials', async () => {
    expect((await call(rbacServer.url, 'GET', '/api/v1/namespaces/default/secrets')).status).toBe(200);
    expect((await call(rbacServer.url, 'GET', '/version')).status).toBe(200);
  });

  it('refuses to listen on a non-loopback address', () => {
    const r = spawnSync(process.execPath, [apiserverBin, `--etcd-servers=${etcd.endpoint}`, '--bind-address=0.0.0.0', '--port=0'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--port .* loopback/);
  });

  it('refuses flags of the secure port without --secure-port, and a secure port without a certificate', () => {
    const bad = [['--authorization-mode=RBAC'], ['--secure-port=0'], ['--secure-port=0', '--tls-cert-file=/nonexistent/c.crt', '--tls-private-key-file=/nonexistent/c.key'], ['--authorization-mode=Webhook', '--secure-port=0']];
    for (const args of bad) {
      const r = spawnSync(process.execPath, [apiserverBin, `--etcd-servers=${etcd.endpoint}`, '--port=0', ...args], { encoding: 'utf8', timeout: 30_000 });
      expect([args, r.status]).toEqual([args, 2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
