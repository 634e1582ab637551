import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA, adminIdentity, writeKubeconfig, type IssuedCertificate } from '@skiff/pki';
import { Kubectl, TestApiserver, TestEtcd, tlsRequest, waitFor } from '@skiff/testing';
import { parseSigningKey } from '../auth/service-account-keys';
import { serviceAccountClaims, ServiceAccountTokenSigner } from '../auth/service-account-token';

jest.setTimeout(180_000);

// A real etcd and apiserver over HTTPS with Node,RBAC, a ServiceAccount key pair and bootstrap tokens; and a
// second apiserver on the same etcd that holds only the public key (it checks tokens but cannot issue them).
const issuer = 'https://kubernetes.default.svc.cluster.local';
let etcd: TestEtcd;
let server: TestApiserver;
let verifyOnly: TestApiserver;
let dir: string;
let ca: ClusterCA;
let admin: IssuedCertificate;
let nodeA: IssuedCertificate;
let saKeyPem: string;
let securePort: number;
let verifyOnlyPort: number;

interface Reply {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

interface Credentials {
  cert?: IssuedCertificate;
  token?: string;
  port?: number;
}

function request(method: string, urlPath: string, creds: Credentials, body?: unknown): Promise<Reply> {
  return tlsRequest({ port: creds.port ?? securePort, method, path: urlPath, caPem: ca.certPem, cert: creds.cert, token: creds.token, body });
}

const asAdmin = (method: string, urlPath: string, body?: unknown) => request(method, urlPath, { cert: admin }, body);

async function created(reply: Promise<Reply>): Promise<any> {
  const r = await reply;
  if (r.status !== 201) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

function securePortOf(s: TestApiserver): number {
  const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(s.output);
  if (!m) throw new Error(`no secure port in the apiserver's output:\n${s.output}`);
  return Number(m[1]);
}

/** `kubectl auth whoami`: the user the apiserver authenticated the token as. */
async function whoami(token: string): Promise<any> {
  const r = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token }, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  if (r.status !== 201) throw new Error(`SelfSubjectReview answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.status.userInfo;
}

const tokenPath = (ns: string, sa: string) => `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`;

async function requestToken(ns: string, sa: string, spec: Record<string, unknown> = {}, creds: Credentials = { cert: admin }): Promise<Reply> {
  return request('POST', tokenPath(ns, sa), creds, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
}

async function tokenFor(ns: string, sa: string, spec: Record<string, unknown> = {}): Promise<string> {
  const r = await requestToken(ns, sa, spec);
  if (r.status !== 201) throw new Error(`TokenRequest answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.status.token as string;
}

const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
const getPods = (ns: string, token: string, port?: number) => request('GET', `/api/v1/namespaces/${ns}/pods`, { token, port });

async function createServiceAccount(ns: string, name: string): Promise<string> {
  return (await created(asAdmin('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name } }))).metadata.uid;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiserver-sa-tokens-'));
  ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  admin = await ca.issueClient({ commonName: adminIdentity.commonName, organizations: adminIdentity.organizations });
  nodeA = await ca.issueClient({ commonName: 'system:node:a', organizations: ['system:nodes'] });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  saKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const tlsArgs = [
    '--secure-port=0',
    `--tls-cert-file=${file('apiserver.crt', serving.certPem)}`,
    `--tls-private-key-file=${file('apiserver.key', serving.keyPem)}`,
    `--client-ca-file=${file('ca.crt', ca.certPem)}`,
    '--authorization-mode=Node,RBAC',
    `--service-account-key-file=${file('sa.pub', publicKey.export({ type: 'spki', format: 'pem' }) as string)}`,
  ];
  etcd = await TestEtcd.start();
  [server, verifyOnly] = await Promise.all([
    TestApiserver.start({
      etcdEndpoint: etcd.endpoint,
      extraArgs: [...tlsArgs, `--service-account-signing-key-file=${file('sa.key', saKeyPem)}`, '--service-account-max-token-expiration=2h', '--enable-bootstrap-token-auth'],
    }),
    TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: tlsArgs }),
  ]);
  securePort = securePortOf(server);
  verifyOnlyPort = securePortOf(verifyOnly);
  await waitFor(async () => (await asAdmin('GET', '/api/v1/namespaces/kube-system')).status === 200, { what: 'the kube-system namespace' });
  await created(asAdmin('POST', '/api/v1/namespaces', { metadata: { name: 'team' } }));
  await createServiceAccount('team', 'builder');
  // builder may get (not list) pods in team: enough to tell its requests apart from anonymous and other accounts.
  await created(asAdmin('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', { metadata: { name: 'pod-getter' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }));
  await created(
    asAdmin('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', {
      metadata: { name: 'builder-gets-pods' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-getter' },
      subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'team' }],
    }),
  );
  // With a signing key, ServiceAccount admission wants the account a pod runs as to exist.
  await createServiceAccount('team', 'default');
  await created(asAdmin('POST', '/api/v1/namespaces/team/pods', { metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
});

afterAll(async () => {
  await Promise.all([server?.stop(), verifyOnly?.stop()]);
  await etcd?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the TokenRequest API', () => {
  it('is in discovery as serviceaccounts/token, an authentication.k8s.io/v1 TokenRequest', async () => {
    const r = await asAdmin('GET', '/api/v1');
    expect(r.body.resources.find((x: { name: string }) => x.name === 'serviceaccounts/token')).toEqual({
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
  });

  it('answers 201 with a signed token, the audiences defaulted to the issuer and an hour\'s expiry', async () => {
    const before = Date.now();
    const r = await requestToken('team', 'builder');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: 'builder', namespace: 'team' }, spec: { audiences: [issuer], expirationSeconds: 3600 } });
    const expires = Date.parse(r.body.status.expirationTimestamp);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
    const [header, payload] = (r.body.status.token as string).split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString()));
    expect(header).toEqual({ alg: 'ES256', kid: parseSigningKey(saKeyPem).kid });
    expect(payload).toMatchObject({ iss: issuer, sub: 'system:serviceaccount:team:builder', aud: [issuer], 'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'builder' } } });
    expect(payload.exp - payload.iat).toBe(3600);
  });

  it('shortens a lifetime beyond --service-account-max-token-expiration, with a warning', async () => {
    const r = await requestToken('team', 'builder', { expirationSeconds: 86400 });
    expect(r.status).toBe(201);
    expect(r.body.spec.expirationSeconds).toBe(7200);
    expect(r.headers.warning).toBe('299 - "requested expiration of 86400 seconds shortened to 7200 seconds"');
  });

  it('refuses short lifetimes, unknown accounts, unsupported kinds and stale uids', async () => {
    const short = await requestToken('team', 'builder', { expirationSeconds: 60 });
    expect(short.status).toBe(422);
    expect(short.body.message).toBe('TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const missing = await requestToken('team', 'nobody');
    expect([missing.status, missing.body.message]).toEqual([404, 'serviceaccounts "nobody" not found']);
    const configMap = await requestToken('team', 'builder', { boundObjectRef: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' } });
    expect([configMap.status, configMap.body.message]).toEqual([400, 'cannot bind token to object of type /v1, Kind=ConfigMap']);
    const stale = await requestToken('team', 'builder', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'not-the-uid' } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('the UID in the bound object reference (not-the-uid) does not match the UID in record');
    const otherAccount = await requestToken('team', 'builder', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web' } });
    expect([otherAccount.status, otherAccount.body.message]).toEqual([400, 'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.']);
  });

  it('is not served by an apiserver without a signing key', async () => {
    const r = await requestToken('team', 'builder', {}, { cert: admin, port: verifyOnlyPort });
    expect(r.status).toBe(404);
    expect(r.body.reason).toBe('NotFound');
  });
});

describe('authentication with ServiceAccount tokens', () => {
  it('makes the holder the account: RBAC lets it get pods and refuses secrets', async () => {
    const token = await tokenFor('team', 'builder');
    // The role binding reaches the authorizer through its watch cache.
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/team/pods/web', { token })).status === 200, { what: 'builder getting a pod' });
    const secrets = await request('GET', '/api/v1/namespaces/team/secrets', { token });
    expect(secrets.status).toBe(403);
    expect(secrets.body.message).toBe('secrets is forbidden: User "system:serviceaccount:team:builder" cannot list resource "secrets" in API group "" in the namespace "team"');
    // The same token works on another apiserver that holds only the public key.
    expect((await request('GET', '/api/v1/namespaces/team/pods/web', { token, port: verifyOnlyPort })).status).toBe(200);
  });

  it('puts the account in system:serviceaccounts and system:serviceaccounts:<namespace>', async () => {
    await created(asAdmin('POST', '/api/v1/namespaces/team/serviceaccounts', { metadata: { name: 'reader' } }));
    await created(
      asAdmin('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', {
        metadata: { name: 'team-accounts-get-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-getter' },
        subjects: [{ kind: 'Group', name: 'system:serviceaccounts:team', apiGroup: 'rbac.authorization.k8s.io' }],
      }),
    );
    const token = await tokenFor('team', 'reader');
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/team/pods/web', { token })).status === 200, { what: 'reader getting a pod through its group' });
  });

  it('refuses expired, wrong-audience, wrong-key and tampered tokens with 401, never as anonymous', async () => {
    const uid = (await asAdmin('GET', '/api/v1/namespaces/team/serviceaccounts/builder')).body.metadata.uid;
    const subject = { namespace: 'team', serviceAccount: { name: 'builder', uid } };
    const ourKey = new ServiceAccountTokenSigner(parseSigningKey(saKeyPem));
    const expired = await ourKey.sign(serviceAccountClaims(subject, { issuer, audiences: [issuer], expirationSeconds: 600, now: new Date(Date.now() - 3600_000) }));
    const otherKey = new ServiceAccountTokenSigner(parseSigningKey(crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string));
    const wrongKey = await otherKey.sign(serviceAccountClaims(subject, { issuer, audiences: [issuer], expirationSeconds: 600 }));
    const wrongAudience = await tokenFor('team', 'builder', { audiences: ['vault'] });
    const good = await tokenFor('team', 'builder');
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url')}.${s}`;
    // Control: the untouched token works.
    expect((await getPods('team', good)).status).toBe(403);
    for (const [what, token] of [['expired', expired], ['wrong key', wrongKey], ['wrong audience', wrongAudience], ['tampered', tampered]]) {
      const r = await request('GET', '/version', { token });
      expect([what, r.status, r.body]).toEqual([what, 401, unauthorized]);
    }
  });

  it('stops a token once its account is deleted, and a recreated account does not revive it', async () => {
    await createServiceAccount('team', 'temp');
    const token = await tokenFor('team', 'temp');
    expect((await getPods('team', token)).body.message).toContain('User "system:serviceaccount:team:temp"');
    expect((await asAdmin('DELETE', '/api/v1/namespaces/team/serviceaccounts/temp')).status).toBe(200);
    await waitFor(async () => (await getPods('team', token)).status === 401, { what: 'the token of a deleted account to stop working' });
    await createServiceAccount('team', 'temp');
    expect(await tokenFor('team', 'temp')).toBeTruthy();
    const r = await getPods('team', token);
    expect([r.status, r.body]).toEqual([401, unauthorized]);
  });

  it('stops a pod-bound token when its pod is deleted; extends the kubelet\'s default pod token', async () => {
    await createServiceAccount('team', 'worker');
    const podUid = (await created(asAdmin('POST', '/api/v1/namespaces/team/pods', { metadata: { name: 'job' }, spec: { serviceAccountName: 'worker', containers: [{ name: 'c', image: 'busybox' }] } })))
      .metadata.uid;
    const r = await requestToken('team', 'worker', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'job', uid: podUid } });
    expect(r.status).toBe(201);
    expect(r.body.spec.boundObjectRef).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'job', uid: podUid });
    const token = r.body.status.token as string;
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(payload['kubernetes.io'].pod).toEqual({ name: 'job', uid: podUid });
    expect(await whoami(token)).toEqual({
      username: 'system:serviceaccount:team:worker',
      uid: (await asAdmin('GET', '/api/v1/namespaces/team/serviceaccounts/worker')).body.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['job'],
        'authentication.kubernetes.io/pod-uid': [podUid],
        'authentication.kubernetes.io/credential-id': [`JTI=${payload.jti}`],
      },
    });
    // The kubelet's default 3607 s pod token is extended to a year, flagged with warnafter at its nominal expiry.
    const kubeletDefault = await requestToken('team', 'worker', { expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'job', uid: podUid } });
    const extended = JSON.parse(Buffer.from(kubeletDefault.body.status.token.split('.')[1], 'base64url').toString());
    expect(extended.exp - extended.iat).toBe(365 * 24 * 3600);
    expect(extended['kubernetes.io'].warnafter).toBe(extended.iat + 3607);
    expect(Date.parse(kubeletDefault.body.status.expirationTimestamp) / 1000).toBe(extended.iat + 3607);
    const unbound = JSON.parse(Buffer.from((await tokenFor('team', 'worker', { expirationSeconds: 3607 })).split('.')[1], 'base64url').toString());
    expect(unbound.exp - unbound.iat).toBe(3607);
    expect((await asAdmin('DELETE', '/api/v1/namespaces/team/pods/job?gracePeriodSeconds=0')).status).toBe(200);
    await waitFor(async () => (await getPods('team', token)).status === 401, { what: 'the token of a deleted pod to stop working' });
  });

  it('stops a node-bound token when its node is deleted', async () => {
    const nodeUid = (await created(asAdmin('POST', '/api/v1/nodes', { metadata: { name: 'c' } }))).metadata.uid;
    const token = await tokenFor('team', 'builder', { boundObjectRef: { apiVersion: 'v1', kind: 'Node', name: 'c', uid: nodeUid } });
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())['kubernetes.io'].node).toEqual({ name: 'c', uid: nodeUid });
    expect((await request('GET', '/api/v1/namespaces/team/pods/web', { token })).status).toBe(200);
    expect((await asAdmin('DELETE', '/api/v1/nodes/c')).status).toBe(200);
    await waitFor(async () => (await getPods('team', token)).status === 401, { what: 'the token of a deleted node to stop working' });
  });

  it('lets a kubelet ask only for tokens bound to pods on its node', async () => {
    await created(asAdmin('POST', '/api/v1/nodes', { metadata: { name: 'a' } }));
    await createServiceAccount('team', 'agent');
    const onA = await created(asAdmin('POST', '/api/v1/namespaces/team/pods', { metadata: { name: 'agent-a' }, spec: { nodeName: 'a', serviceAccountName: 'agent', containers: [{ name: 'c', image: 'busybox' }] } }));
    const onB = await created(asAdmin('POST', '/api/v1/namespaces/team/pods', { metadata: { name: 'agent-b' }, spec: { nodeName: 'b', serviceAccountName: 'agent', containers: [{ name: 'c', image: 'busybox' }] } }));
    const asNode = { cert: nodeA };
    const bound = (p: any) => ({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: p.metadata.name, uid: p.metadata.uid } });
    // The Node authorizer learns of agent-a (and so of the account) from the pods watch cache.
    const mine = await waitFor(async () => {
      const r = await requestToken('team', 'agent', bound(onA), asNode);
      return r.status === 201 && r;
    }, { what: "node a's token for its pod" });
    const payload = JSON.parse(Buffer.from(mine.body.status.token.split('.')[1], 'base64url').toString());
    expect(payload['kubernetes.io'].node).toEqual({ name: 'a', uid: expect.any(String) });
    const unbound = await requestToken('team', 'agent', {}, asNode);
    expect([unbound.status, unbound.body.message]).toEqual([403, 'serviceaccounts "agent" is forbidden: node requested token not bound to a pod']);
    const elsewhere = await requestToken('team', 'agent', bound(onB), asNode);
    expect([elsewhere.status, elsewhere.body.message]).toEqual([403, 'serviceaccounts "agent" is forbidden: node requested token bound to a pod scheduled on a different node']);
  });

  it('works for `kubectl create token default --duration=15m`', async () => {
    await createServiceAccount('default', 'default');
    const kubectl = new Kubectl(`https://127.0.0.1:${securePort}`);
    try {
      writeKubeconfig(kubectl.kubeconfig, { server: `https://127.0.0.1:${securePort}`, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'kubernetes-admin', cluster: 'skiff' });
      const out = await kubectl.run(['create', 'token', 'default', '--duration=15m']);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const token = out.stdout.trim();
      const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      expect(payload.exp - payload.iat).toBe(900);
      const r = await getPods('default', token);
      expect([r.status, r.body.message]).toEqual([403, 'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"']);
      // Bound to a pod, for another audience (agent-a runs as agent, from the kubelet test above).
      const bound = await kubectl.run(['-n', 'team', 'create', 'token', 'agent', '--bound-object-kind=Pod', '--bound-object-name=agent-a', '--audience=vault']);
      expect(bound.stderr).toBe('');
      const claims = JSON.parse(Buffer.from(bound.stdout.trim().split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ aud: ['vault'], sub: 'system:serviceaccount:team:agent', 'kubernetes.io': { pod: { name: 'agent-a' }, node: { name: 'a' } } });
    } finally {
      fs.rmSync(kubectl.dir, { recursive: true, force: true });
    }
  });
});

describe('bootstrap tokens', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  async function bootstrapSecret(id: string, data: Record<string, string>): Promise<void> {
    await created(
      asAdmin('POST', '/api/v1/namespaces/kube-system/secrets', {
        metadata: { name: `bootstrap-token-${id}` },
        type: 'bootstrap.kubernetes.io/token',
        data: Object.fromEntries(Object.entries({ 'token-id': id, ...data }).map(([k, v]) => [k, b64(v)])),
      }),
    );
  }

  it('authenticate as system:bootstrap:<id> in system:bootstrappers and the extra groups', async () => {
    await bootstrapSecret('abcdef', {
      'token-secret': '0123456789abcdef',
      'usage-bootstrap-authentication': 'true',
      expiration: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'auth-extra-groups': 'system:bootstrappers:worker',
    });
    const r = await getPods('default', 'abcdef.0123456789abcdef');
    expect([r.status, r.body.message]).toEqual([403, 'pods is forbidden: User "system:bootstrap:abcdef" cannot list resource "pods" in API group "" in the namespace "default"']);
    expect(await whoami('abcdef.0123456789abcdef')).toEqual({ username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:worker', 'system:authenticated'] });
    // The extra group carries permissions: bind it to reading pods in default.
    await created(
      asAdmin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        metadata: { name: 'bootstrap-workers-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'Group', name: 'system:bootstrappers:worker', apiGroup: 'rbac.authorization.k8s.io' }],
      }),
    );
    await waitFor(async () => (await getPods('default', 'abcdef.0123456789abcdef')).status === 200, { what: 'the extra group\'s binding' });
  });

  it('refuse an expired token, a wrong secret and a token not meant for authentication with 401', async () => {
    await bootstrapSecret('expird', { 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', expiration: '2020-01-01T00:00:00Z' });
    await bootstrapSecret('nouse1', { 'token-secret': '0123456789abcdef', 'usage-bootstrap-signing': 'true' });
    for (const token of ['expird.0123456789abcdef', 'abcdef.0123456789abcdee', 'nouse1.0123456789abcdef', 'zzzzzz.0123456789abcdef']) {
      const r = await request('GET', '/version', { token });
      expect([token, r.status, r.body]).toEqual([token, 401, unauthorized]);
    }
  });

  it('are not accepted by an apiserver without --enable-bootstrap-token-auth', async () => {
    const r = await request('GET', '/version', { token: 'abcdef.0123456789abcdef', port: verifyOnlyPort });
    expect([r.status, r.body]).toEqual([401, unauthorized]);
  });
});

describe('ServiceAccount issuer discovery', () => {
  it('publishes the issuer and keys that verify its tokens, readable by service accounts', async () => {
    const token = await tokenFor('team', 'builder');
    const config = await request('GET', '/.well-known/openid-configuration', { token });
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      issuer,
      jwks_uri: `https://127.0.0.1:${securePort}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    const jwks = await request('GET', '/openid/v1/jwks', { token });
    expect(jwks.headers['content-type']).toBe('application/jwk-set+json');
    // What an outside verifier does: check the token against the published keys alone.
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), { issuer, audience: issuer });
    expect(payload.sub).toBe('system:serviceaccount:team:builder');
  });
});

describe('the TokenReview API', () => {
  const review = (spec: Record<string, unknown>, creds: Credentials = { cert: admin }) =>
    request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', creds, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });

  it('names the user of a good ServiceAccount token and the audiences it is good for', async () => {
    const token = await tokenFor('team', 'builder', { audiences: [issuer, 'vault'] });
    const r = await review({ token });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token } });
    expect(r.body.status).toEqual({
      authenticated: true,
      user: {
        username: 'system:serviceaccount:team:builder',
        uid: (await asAdmin('GET', '/api/v1/namespaces/team/serviceaccounts/builder')).body.metadata.uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^JTI=/)] },
      },
      audiences: [issuer],
    });
    expect((await review({ token, audiences: ['vault', 'elsewhere'] })).body.status).toMatchObject({ authenticated: true, audiences: ['vault'] });
    expect((await review({ token, audiences: ['elsewhere'] })).body.status).toEqual({ user: {}, error: expect.stringContaining('is invalid for the target audiences ["elsewhere"]') });
  });

  it('says why a token is refused, takes bootstrap tokens, wants a token, and is open to kubelets', async () => {
    expect((await review({ token: 'not-a-token' })).body.status).toEqual({ user: {} });
    const other = await tokenFor('team', 'builder', { audiences: ['vault'] });
    expect((await review({ token: other })).body.status.error).toContain('is invalid for the target audiences');
    expect((await review({ token: 'abcdef.0123456789abcdef' })).body.status).toMatchObject({ authenticated: true, user: { username: 'system:bootstrap:abcdef' }, audiences: [issuer] });
    const empty = await review({});
    expect([empty.status, empty.body.message]).toEqual([400, 'token is required for TokenReview in authentication']);
    expect((await review({ token: 'not-a-token' }, { cert: nodeA })).status).toBe(201);
  });
});
