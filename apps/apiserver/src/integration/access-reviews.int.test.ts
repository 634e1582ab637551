import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA, adminIdentity, writeKubeconfig, type IssuedCertificate } from '@skiff/pki';
import { Kubectl, TestApiserver, TestEtcd, tlsRequest, waitFor } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(180_000);

// The authorization.k8s.io reviews and SelfSubjectReview against a secure apiserver with RBAC, asked by the real
// kubectl (`auth can-i`, `auth can-i --list`, `auth whoami`) and by hand; and against AlwaysAllow.
let etcd: TestEtcd;
let server: TestApiserver;
let openServer: TestApiserver;
let dir: string;
let ca: ClusterCA;
let admin: IssuedCertificate;
let alice: IssuedCertificate;
let securePort: number;
let aliceKubectl: Kubectl;
let adminKubectl: Kubectl;

const ns = 'reviews';

interface Reply {
  status: number;
  body: any;
}

function request(method: string, urlPath: string, cert: IssuedCertificate | undefined, body?: unknown): Promise<Reply> {
  return tlsRequest({ port: securePort, method, path: urlPath, caPem: ca.certPem, cert, body });
}

function kubectlFor(cert: IssuedCertificate, user: string): Kubectl {
  const k = new Kubectl(`https://127.0.0.1:${securePort}`);
  writeKubeconfig(k.kubeconfig, { server: `https://127.0.0.1:${securePort}`, caPem: ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem, user, cluster: 'skiff', namespace: ns });
  return k;
}

const sar = (user: string, groups: string[], verb: string, resource: string, namespace = ns) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SubjectAccessReview',
  spec: { user, groups, resourceAttributes: { namespace, verb, resource } },
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-reviews-'));
  ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  admin = await ca.issueClient({ commonName: adminIdentity.commonName, organizations: adminIdentity.organizations });
  alice = await ca.issueClient({ commonName: 'alice', organizations: ['team-a'] });
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  etcd = await TestEtcd.start();
  [server, openServer] = await Promise.all([
    TestApiserver.start({
      etcdEndpoint: etcd.endpoint,
      extraArgs: [
        '--secure-port=0',
        `--tls-cert-file=${file('apiserver.crt', serving.certPem)}`,
        `--tls-private-key-file=${file('apiserver.key', serving.keyPem)}`,
        `--client-ca-file=${file('ca.crt', ca.certPem)}`,
        '--authorization-mode=RBAC',
      ],
    }),
    TestApiserver.start({ etcdEndpoint: etcd.endpoint }),
  ]);
  const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(server.output);
  if (!m) throw new Error(`no secure port in the apiserver's output:\n${server.output}`);
  securePort = Number(m[1]);

  // alice may read pods in `reviews` and nothing else of her own.
  expect((await request('POST', '/api/v1/namespaces', admin, { metadata: { name: ns } })).status).toBe(201);
  const role = { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] };
  const binding = {
    metadata: { name: 'alice-reads-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  };
  expect((await request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, admin, role)).status).toBe(201);
  expect((await request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, admin, binding)).status).toBe(201);
  await waitFor(async () => (await request('GET', `/api/v1/namespaces/${ns}/pods`, alice)).status === 200, { what: 'alice\'s RoleBinding to take effect' });
  aliceKubectl = kubectlFor(alice, 'alice');
  adminKubectl = kubectlFor(admin, 'kubernetes-admin');
});

afterAll(async () => {
  aliceKubectl?.cleanup();
  adminKubectl?.cleanup();
  await Promise.all([server?.stop(), openServer?.stop()]);
  await etcd?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubectl auth can-i', () => {
  it('says yes to what the Role allows and no to the rest, with kubectl\'s exit codes', async () => {
    const yes = await aliceKubectl.run(['auth', 'can-i', 'get', 'pods']);
    expect([yes.stdout.trim(), yes.code, yes.stderr]).toEqual(['yes', 0, '']);
    const listYes = await aliceKubectl.run(['auth', 'can-i', 'list', 'pods', '-n', ns]);
    expect([listYes.stdout.trim(), listYes.code]).toEqual(['yes', 0]);
    for (const args of [['delete', 'pods'], ['get', 'secrets'], ['get', 'pods', '-n', 'default'], ['create', 'deployments.apps']]) {
      const no = await aliceKubectl.run(['auth', 'can-i', ...args]);
      expect([args, no.stdout.trim(), no.code]).toEqual([args, 'no', 1]);
    }
  });

  it('answers for non-resource URLs and for the admin', async () => {
    const version = await aliceKubectl.run(['auth', 'can-i', 'get', '/version']);
    expect(version.stdout.trim()).toBe('yes');
    const metrics = await aliceKubectl.run(['auth', 'can-i', 'get', '/metrics']);
    expect([metrics.stdout.trim(), metrics.code]).toEqual(['no', 1]);
    const everything = await adminKubectl.run(['auth', 'can-i', '*', '*', '--all-namespaces']);
    expect([everything.stdout.trim(), everything.code]).toEqual(['yes', 0]);
  });

  it('--list shows the Role\'s rules and the default self-review rules', async () => {
    const out = await aliceKubectl.ok(['auth', 'can-i', '--list']);
    const rows = out.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    expect(rows).toContainEqual(['pods', '[]', '[]', '[get list]']);
    expect(rows).toContainEqual(['selfsubjectaccessreviews.authorization.k8s.io', '[]', '[]', '[create]']);
    expect(rows).toContainEqual(['selfsubjectreviews.authentication.k8s.io', '[]', '[]', '[create]']);
    expect(rows).toContainEqual(['[/version]', '[]', '[get]']);
    // No rules of alice's apply in another namespace beyond the cluster-wide defaults.
    const elsewhere = await aliceKubectl.ok(['auth', 'can-i', '--list', '-n', 'default']);
    expect(elsewhere).not.toMatch(/^pods\s/m);
  });
});

describe('kubectl auth whoami', () => {
  it('names the certificate\'s user and groups', async () => {
    const table = await aliceKubectl.ok(['auth', 'whoami']);
    expect(table).toMatch(/^Username\s+alice$/m);
    expect(table).toMatch(/^Groups\s+\[team-a system:authenticated\]$/m);
    const json = JSON.parse(await aliceKubectl.ok(['auth', 'whoami', '-o', 'json']));
    expect(json).toMatchObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', status: { userInfo: { username: 'alice', groups: ['team-a', 'system:authenticated'] } } });
  });
});

describe('SubjectAccessReview', () => {
  it('is refused to a user RBAC does not let create it, as the kubelet or a webhook would be', async () => {
    const r = await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', alice, sar('alice', [], 'get', 'pods'));
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('subjectaccessreviews.authorization.k8s.io is forbidden: User "alice" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
  });

  it('answers for the subject in the spec, with the deciding binding as the reason', async () => {
    const allowed = await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin, sar('alice', ['system:authenticated'], 'list', 'pods'));
    expect(allowed.status).toBe(201);
    expect(allowed.body).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', resourceAttributes: { namespace: ns, verb: 'list', resource: 'pods' } },
      status: { allowed: true, reason: `RBAC: allowed by RoleBinding "alice-reads-pods/${ns}" of Role "pod-reader" to User "alice"` },
    });
    const denied = await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin, sar('alice', [], 'delete', 'pods'));
    expect(denied.body.status).toEqual({ allowed: false });
    const masters = await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin, sar('someone', ['system:masters'], 'delete', 'nodes', ''));
    expect(masters.body.status.allowed).toBe(true);
    const nonResource = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'bob', groups: ['system:authenticated'], nonResourceAttributes: { path: '/healthz', verb: 'get' } } };
    expect((await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin, nonResource)).body.status.allowed).toBe(true);
  });

  it('is never stored: it cannot be listed or read back', async () => {
    const list = await request('GET', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin);
    expect(list.status).toBe(405);
  });

  it('rejects a spec without attributes or subject with 422 and the field paths', async () => {
    const r = await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {} });
    expect(r.status).toBe(422);
    expect(r.body.details.causes.map((c: { field: string }) => c.field)).toEqual(['spec.resourceAttributes', 'spec.user']);
    const both = { spec: { user: 'a', resourceAttributes: { verb: 'get' }, nonResourceAttributes: { verb: 'get', path: '/' } } };
    expect((await request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', admin, both)).body.details.causes[0].field).toBe('spec.nonResourceAttributes');
  });

  it('LocalSubjectAccessReview answers within the namespace in the URL only', async () => {
    const local = (namespace: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: ns }, spec: { user: 'alice', resourceAttributes: { namespace, verb: 'get', resource: 'pods' } } });
    const ok = await request('POST', `/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, admin, local(ns));
    expect([ok.status, ok.body.status.allowed]).toEqual([201, true]);
    const elsewhere = await request('POST', `/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, admin, local('default'));
    expect(elsewhere.status).toBe(422);
  });

  it('is created with kubectl create -f', async () => {
    // kubectl validates a kind without a PATCH operation (create-only, as in Kubernetes) on the client: it lists
    // the CRDs (an admin may), then checks the fields against /openapi/v2.
    const manifest = adminKubectl.file('sar.yaml', JSON.stringify(sar('alice', [], 'get', 'pods')));
    const out = JSON.parse(await adminKubectl.ok(['create', '-f', manifest, '-o', 'json']));
    expect(out.status.allowed).toBe(true);
  });
});

describe('discovery', () => {
  it('lists the review kinds with create as their only verb', async () => {
    const out = await adminKubectl.ok(['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide', '--no-headers']);
    const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => [r[0], r[r.length - 1]])).toEqual(
      expect.arrayContaining([
        ['localsubjectaccessreviews', 'create'],
        ['selfsubjectaccessreviews', 'create'],
        ['selfsubjectrulesreviews', 'create'],
        ['subjectaccessreviews', 'create'],
      ]),
    );
    const authn = await adminKubectl.ok(['api-resources', '--api-group=authentication.k8s.io', '--no-headers']);
    expect(authn).toMatch(/^selfsubjectreviews\s/m);
  });
});

describe('under AlwaysAllow', () => {
  it('every review is allowed and the rules list everything', async () => {
    const r = await call(openServer.url, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sar('nobody', [], 'delete', 'secrets'));
    expect([r.status, r.body.status]).toEqual([201, { allowed: true }]);
    const rules = await call(openServer.url, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: { namespace: 'default' } });
    expect(rules.body.status).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    });
    const noNamespace = await call(openServer.url, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: {} });
    expect([noNamespace.status, noNamespace.body.message]).toEqual([400, 'no namespace on request']);
  });
});
