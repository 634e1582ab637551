import * as crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configmaps, type ConfigMap } from '@skiff/api';
import { bootstrapTokenSecret, generateBootstrapToken, type BootstrapToken } from '@skiff/auth';
import { HttpKubeClient } from '@skiff/client';
import {
  caCertHash,
  clusterInfoKubeconfig,
  ClusterCA,
  controllerManagerIdentity,
  createCertificateRequest,
  requestNodeClientCertificate,
  trustedClusterInfo,
  verifyClusterInfoSignature,
  writeKubeconfig,
} from '@skiff/pki';
import { Kubectl, TestApiserver, TestControllerManager, TestEtcd, tlsRequest, waitFor, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(180_000);

// Real etcd, a real apiserver serving HTTPS with client certificates, bootstrap tokens and Node,RBAC, and the built
// controller-manager running the four certificate and bootstrap controllers over HTTPS as system:kube-controller-manager
// (so RBAC and the CSR admission plugins judge its writes, as in `skiff up`); all stopped by PID.
let etcd: TestEtcd;
let apiserver: TestApiserver;
let cm: TestControllerManager;
let kubectl: Kubectl;
let dir: string;
let ca: ClusterCA;
let securePort: number;
let token: BootstrapToken & { token: string };

type Credentials = { token?: string; cert?: { certPem: string; keyPem: string } };
interface Reply {
  status: number;
  body: any;
}

function secure(who: Credentials, method: string, urlPath: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  return tlsRequest({ port: securePort, method, path: urlPath, caPem: ca.certPem, cert: who.cert, token: who.token, body, contentType });
}

/** The plain port: what the controller-manager and the test's own set-up use. */
async function admin(method: string, urlPath: string, body?: unknown): Promise<Reply> {
  const res = await fetch(apiserver.url + urlPath, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function created(reply: Promise<Reply>): Promise<any> {
  const r = await reply;
  if (r.status !== 201) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const csrPath = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

async function csrBody(name: string, subject: { commonName: string; organizations?: string[] }, spec: Record<string, unknown> = {}) {
  const { csrPem, keyPem } = await createCertificateRequest(subject);
  const body = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...spec },
  };
  return { body, keyPem };
}

const issued = (name: string) =>
  waitFor(
    async () => {
      const r = await admin('GET', `${csrPath}/${name}`);
      return r.body?.status?.certificate ? r.body : undefined;
    },
    { what: `a certificate for ${name}`, timeoutMs: 20_000 },
  );

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-node-certificates-'));
  ca = await ClusterCA.create();
  ca.save(dir);
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  fs.writeFileSync(path.join(dir, 'apiserver.crt'), serving.certPem);
  fs.writeFileSync(path.join(dir, 'apiserver.key'), serving.keyPem);
  etcd = await TestEtcd.start();
  apiserver = await TestApiserver.start({
    etcdEndpoint: etcd.endpoint,
    extraArgs: [
      '--secure-port=0',
      `--tls-cert-file=${path.join(dir, 'apiserver.crt')}`,
      `--tls-private-key-file=${path.join(dir, 'apiserver.key')}`,
      `--client-ca-file=${path.join(dir, 'ca.crt')}`,
      '--authorization-mode=Node,RBAC',
      '--enable-bootstrap-token-auth',
    ],
  });
  const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(apiserver.output);
  if (!m) throw new Error(`no secure port in the apiserver's output:\n${apiserver.output}`);
  securePort = Number(m[1]);
  token = generateBootstrapToken();
  await created(admin('POST', '/api/v1/namespaces/kube-system/secrets', bootstrapTokenSecret(token, { description: 'e2e join token' })));
  const identity = await ca.issueClient(controllerManagerIdentity);
  const kubeconfig = path.join(dir, 'controller-manager.kubeconfig');
  writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${securePort}`, caPem: ca.certPem, certPem: identity.certPem, keyPem: identity.keyPem, user: controllerManagerIdentity.commonName, cluster: 'skiff' });
  const controlPlane = { etcd, apiserver, stop: async () => undefined } as TestControlPlane;
  cm = await TestControllerManager.start(controlPlane, {
    args: [
      // Replaces the plain-port kubeconfig the harness writes.
      `--kubeconfig=${kubeconfig}`,
      '--controllers=csrapproving,csrsigning,bootstrapsigner,tokencleaner',
      `--cluster-signing-cert-file=${path.join(dir, 'ca.crt')}`,
      `--cluster-signing-key-file=${path.join(dir, 'ca.key')}`,
      '--cluster-signing-duration=24h',
    ],
  });
  kubectl = new Kubectl(apiserver.url);
});

afterAll(async () => {
  await cm?.stop();
  await apiserver?.stop();
  await etcd?.destroy();
  kubectl?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubelet TLS bootstrapping', () => {
  it('approves and signs the client certificate a node asks for with a bootstrap token, and that certificate authenticates as the node', async () => {
    const { body, keyPem } = await csrBody('node-csr-n1', { commonName: 'system:node:n1', organizations: ['system:nodes'] }, { username: 'system:admin', groups: ['system:masters'] });
    const made = await created(secure({ token: token.token }, 'POST', csrPath, body));
    // Who asked is the apiserver's word, never the client's.
    expect(made.spec.username).toBe(`system:bootstrap:${token.id}`);
    expect(made.spec.groups).toEqual(expect.arrayContaining(['system:bootstrappers', 'system:authenticated']));
    expect(made.spec.groups).not.toContain('system:masters');

    const done = await issued('node-csr-n1');
    expect(done.status.conditions).toEqual([expect.objectContaining({ type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' })]);
    const certPem = Buffer.from(done.status.certificate, 'base64').toString('utf8');
    const cert = new crypto.X509Certificate(certPem);
    expect(cert.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(24 * 3600_000);
    // The joining node can read its request back with the token while it waits.
    expect((await secure({ token: token.token }, 'GET', `${csrPath}/node-csr-n1`)).body.status.certificate).toBe(done.status.certificate);

    const whoami = await secure({ cert: { certPem, keyPem } }, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(whoami.status).toBe(201);
    expect(whoami.body.status.userInfo).toMatchObject({ username: 'system:node:n1', groups: expect.arrayContaining(['system:nodes', 'system:authenticated']) });
    // As that node it may register its own Node.
    expect((await secure({ cert: { certPem, keyPem } }, 'POST', '/api/v1/nodes', { metadata: { name: 'n1' } })).status).toBe(201);
  });

  it('renews a node certificate when the node itself asks (selfnodeclient)', async () => {
    const nodeCert = await ca.issueClient({ commonName: 'system:node:n2', organizations: ['system:nodes'] });
    const { body } = await csrBody('renew-n2', { commonName: 'system:node:n2', organizations: ['system:nodes'] }, { expirationSeconds: 3600 });
    const made = await created(secure({ cert: nodeCert }, 'POST', csrPath, body));
    expect(made.spec.username).toBe('system:node:n2');
    const done = await issued('renew-n2');
    expect(done.status.conditions[0].message).toBe('Auto approving self kubelet client certificate after SubjectAccessReview.');
    const cert = new crypto.X509Certificate(Buffer.from(done.status.certificate, 'base64'));
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(3600_000 + 5 * 60_000);
  });

  it('leaves pending a node client request whose requester may not create nodeclient requests', async () => {
    const mallory = await ca.issueClient({ commonName: 'mallory' });
    await created(
      admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        metadata: { name: 'mallory-files-csrs' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-bootstrapper' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'mallory' }],
      }),
    );
    const { body } = await csrBody('mallory-node', { commonName: 'system:node:n3', organizations: ['system:nodes'] });
    await created(secure({ cert: mallory }, 'POST', csrPath, body));
    await waitFor(() => cm.output.includes('recognized csr but subject access review was not approved') && cm.output.includes('mallory-node'), { what: "the approver's refusal" });
    expect((await admin('GET', `${csrPath}/mallory-node`)).body.status?.conditions).toBeUndefined();
    // Without the node-bootstrapper binding nobody else may file requests at all.
    const eve = await ca.issueClient({ commonName: 'eve' });
    expect((await secure({ cert: eve }, 'POST', csrPath, (await csrBody('eve', { commonName: 'eve' })).body)).status).toBe(403);
  });

  it('works with the real kubectl: get csr, certificate approve and deny', async () => {
    const alice = await csrBody('alice', { commonName: 'alice', organizations: ['devs'] }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 7200 });
    await created(admin('POST', csrPath, alice.body));
    await created(admin('POST', csrPath, (await csrBody('bob', { commonName: 'bob' }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] })).body));

    const table = await kubectl.ok(['get', 'csr', 'alice']);
    expect(table.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
    expect(table.split('\n')[1].split(/\s+/)).toEqual(['alice', expect.stringMatching(/^\d+s$/), 'kubernetes.io/kube-apiserver-client', 'system:unsecured', '120m', 'Pending']);

    const described = await kubectl.ok(['describe', 'csr', 'alice']);
    expect(described).toMatch(/^Requesting User:\s+system:unsecured$/m);
    expect(described).toMatch(/^Signer:\s+kubernetes\.io\/kube-apiserver-client$/m);
    expect(described).toMatch(/^Status:\s+Pending$/m);
    expect(described).toMatch(/^\s+Common Name:\s+alice$/m);
    expect(described).toMatch(/^\s+Organization:\s+devs$/m);

    expect(await kubectl.ok(['certificate', 'approve', 'alice'])).toBe('certificatesigningrequest.certificates.k8s.io/alice approved\n');
    const done = await issued('alice');
    expect(done.status.conditions[0]).toMatchObject({ type: 'Approved', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' });
    expect(new crypto.X509Certificate(Buffer.from(done.status.certificate, 'base64')).subject.split('\n').sort()).toEqual(['CN=alice', 'O=devs']);
    expect((await kubectl.ok(['get', 'csr', 'alice'])).split('\n')[1]).toMatch(/\sApproved,Issued$/);

    expect(await kubectl.ok(['certificate', 'deny', 'bob'])).toBe('certificatesigningrequest.certificates.k8s.io/bob denied\n');
    expect((await kubectl.ok(['get', 'csr', 'bob'])).split('\n')[1]).toMatch(/\sDenied$/);
    const again = await kubectl.run(['certificate', 'approve', 'bob']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('is already Denied');
    expect((await admin('GET', `${csrPath}/bob`)).body.status.certificate).toBeUndefined();
  });

  it('needs approve or sign on the signer to approve or issue, and refuses system:masters client certificates', async () => {
    const dave = await ca.issueClient({ commonName: 'dave' });
    await created(
      admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        metadata: { name: 'csr-editor' },
        rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/approval', 'certificatesigningrequests/status'], verbs: ['get', 'update'] }],
      }),
    );
    await created(
      admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        metadata: { name: 'dave-edits-csrs' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-editor' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'dave' }],
      }),
    );
    await created(admin('POST', csrPath, (await csrBody('dave-wants', { commonName: 'dave' }, { signerName: 'example.com/manual', usages: ['client auth'] })).body));
    const current = (await admin('GET', `${csrPath}/dave-wants`)).body;
    const approving = await secure({ cert: dave }, 'PUT', `${csrPath}/dave-wants/approval`, { ...current, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Self' }] } });
    expect(approving.status).toBe(403);
    expect(approving.body.message).toBe('certificatesigningrequests.certificates.k8s.io "dave-wants" is forbidden: user not permitted to approve requests with signerName "example.com/manual"');
    const issuing = await secure({ cert: dave }, 'PUT', `${csrPath}/dave-wants/status`, { ...current, status: { certificate: Buffer.from(ca.certPem).toString('base64') } });
    expect(issuing.status).toBe(403);
    expect(issuing.body.message).toContain('user not permitted to sign requests with signerName "example.com/manual"');

    const root = await admin('POST', csrPath, (await csrBody('root', { commonName: 'root', organizations: ['system:masters'] }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] })).body);
    expect(root.status).toBe(403);
    expect(root.body.message).toContain('use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed');
  });

  it('keeps approval to the approval subresource and the certificate to status', async () => {
    await created(admin('POST', csrPath, (await csrBody('carol', { commonName: 'carol' }, { signerName: 'example.com/manual', usages: ['client auth'] })).body));
    const current = (await admin('GET', `${csrPath}/carol`)).body;
    const approved = { ...current, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test' }] } };
    const viaStatus = await admin('PUT', `${csrPath}/carol/status`, approved);
    expect(viaStatus.status).toBe(422);
    expect(viaStatus.body.message).toContain('updates may not add a condition of type "Approved"');
    const viaApproval = await admin('PUT', `${csrPath}/carol/approval`, approved);
    expect(viaApproval.status).toBe(200);
    expect(viaApproval.body.status.conditions[0]).toMatchObject({ type: 'Approved', lastUpdateTime: expect.any(String), lastTransitionTime: expect.any(String) });
    const both = await admin('PUT', `${csrPath}/carol/approval`, { ...viaApproval.body, status: { conditions: [...viaApproval.body.status.conditions, { type: 'Denied', status: 'True' }] } });
    expect(both.status).toBe(422);
    expect(both.body.message).toContain('Approved and Denied conditions are mutually exclusive');
    const removed = await admin('PUT', `${csrPath}/carol/approval`, { ...viaApproval.body, status: { conditions: [] } });
    expect(removed.status).toBe(422);
    expect(removed.body.message).toContain('updates may not remove a condition of type "Approved"');
    const changedSpec = await admin('PUT', `${csrPath}/carol`, { ...viaApproval.body, spec: { ...viaApproval.body.spec, signerName: 'example.com/other' } });
    expect(changedSpec.body.spec.signerName).toBe('example.com/manual');
  });
});

describe('cluster-info and bootstrap tokens', () => {
  it('signs cluster-info with the bootstrap token, readable anonymously, and verifiable only with that token', async () => {
    const kubeconfig = clusterInfoKubeconfig(`https://127.0.0.1:${securePort}`, ca.certPem);
    await created(admin('POST', '/api/v1/namespaces/kube-public/configmaps', { metadata: { name: 'cluster-info' }, data: { kubeconfig } }));
    const anonymous = await waitFor(
      async () => {
        const r = await secure({}, 'GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info');
        return r.status === 200 && r.body.data[`jws-kubeconfig-${token.id}`] ? r.body : undefined;
      },
      { what: 'a signed cluster-info', timeoutMs: 20_000 },
    );
    const jws = anonymous.data[`jws-kubeconfig-${token.id}`];
    expect(await verifyClusterInfoSignature(anonymous.data.kubeconfig, jws, token.id, token.secret)).toBe(true);
    const other = generateBootstrapToken();
    expect(await verifyClusterInfoSignature(anonymous.data.kubeconfig, jws, other.id, other.secret)).toBe(false);
    await created(admin('POST', '/api/v1/namespaces/kube-public/configmaps', { metadata: { name: 'private' }, data: { a: 'b' } }));
    expect((await secure({}, 'GET', '/api/v1/namespaces/kube-public/configmaps/private')).status).toBe(403);
  });

  it("lets a node join as kubeadm's token discovery does: trust cluster-info by the token and CA pin, then get a client certificate", async () => {
    const anonymous = new HttpKubeClient({ server: `https://127.0.0.1:${securePort}`, insecureSkipTLSVerify: true, namespace: 'default' });
    const clusterInfo = await waitFor(
      async () => {
        const cm = await anonymous.get<ConfigMap>(configmaps, 'kube-public', 'cluster-info');
        return cm.data?.[`jws-kubeconfig-${token.id}`] ? cm : undefined;
      },
      { what: 'a signed cluster-info' },
    );
    anonymous.close();
    const trusted = await trustedClusterInfo(clusterInfo.data, token, [caCertHash(ca.certPem)]);
    expect(trusted).toEqual({ server: `https://127.0.0.1:${securePort}`, caPem: ca.certPem });

    const bootstrap = new HttpKubeClient({ server: trusted.server, caData: trusted.caPem, token: token.token, namespace: 'default' });
    const issued = await requestNodeClientCertificate(bootstrap, { nodeName: 'joiner', timeoutMs: 20_000 });
    bootstrap.close();
    expect(issued.csrName).toMatch(/^node-csr-/);
    const whoami = await secure({ cert: issued }, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(whoami.body.status.userInfo.username).toBe('system:node:joiner');
  });

  it('deletes bootstrap tokens when they expire, and drops their cluster-info signature', async () => {
    const soon = generateBootstrapToken();
    const past = generateBootstrapToken();
    await created(admin('POST', '/api/v1/namespaces/kube-system/secrets', bootstrapTokenSecret(soon, { expiration: new Date(Date.now() + 3000) })));
    await created(admin('POST', '/api/v1/namespaces/kube-system/secrets', bootstrapTokenSecret(past, { expiration: new Date(Date.now() - 60_000) })));
    await waitFor(async () => (await admin('GET', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${past.id}`)).status === 404, { what: 'the expired token gone', timeoutMs: 10_000 });
    await waitFor(
      async () => (await admin('GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info')).body.data[`jws-kubeconfig-${soon.id}`] !== undefined,
      { what: 'the short-lived token signing cluster-info', timeoutMs: 10_000 },
    );
    await waitFor(async () => (await admin('GET', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${soon.id}`)).status === 404, { what: 'the token deleted at its expiration', timeoutMs: 15_000 });
    await waitFor(
      async () => (await admin('GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info')).body.data[`jws-kubeconfig-${soon.id}`] === undefined,
      { what: "the expired token's signature removed", timeoutMs: 10_000 },
    );
    expect((await admin('GET', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${token.id}`)).status).toBe(200);
  });
});
