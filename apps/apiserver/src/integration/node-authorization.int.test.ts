import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA, adminIdentity, type IssuedCertificate } from '@skiff/pki';
import { TestApiserver, TestEtcd, tlsRequest, waitFor } from '@skiff/testing';

jest.setTimeout(180_000);

// A real apiserver over HTTPS with --authorization-mode=Node,RBAC and two kubelet certificates, for nodes a and b.
let etcd: TestEtcd;
let server: TestApiserver;
let dir: string;
let ca: ClusterCA;
let admin: IssuedCertificate;
let nodeA: IssuedCertificate;
let nodeB: IssuedCertificate;
let securePort: number;
let tlsArgs: string[];
const apiserverBin = path.join(__dirname, '..', '..', 'bin', 'skiff-apiserver.js');

interface Reply {
  status: number;
  body: any;
}

function request(cert: IssuedCertificate, method: string, urlPath: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  return tlsRequest({ port: securePort, method, path: urlPath, caPem: ca.certPem, cert, body, contentType });
}

const mergePatch = (cert: IssuedCertificate, urlPath: string, body: unknown) => request(cert, 'PATCH', urlPath, body, 'application/merge-patch+json');

async function created(reply: Promise<Reply>): Promise<void> {
  const r = await reply;
  if (r.status !== 201) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
}

const pod = (name: string, nodeName: string, secret: string) => ({
  metadata: { name },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'creds', secret: { secretName: secret } }] },
});
const lease = (name: string) => ({ metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40 } });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiserver-node-authz-'));
  ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  admin = await ca.issueClient({ commonName: adminIdentity.commonName, organizations: adminIdentity.organizations });
  nodeA = await ca.issueClient({ commonName: 'system:node:a', organizations: ['system:nodes'] });
  nodeB = await ca.issueClient({ commonName: 'system:node:b', organizations: ['system:nodes'] });
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  etcd = await TestEtcd.start();
  tlsArgs = [
    '--secure-port=0',
    `--tls-cert-file=${file('apiserver.crt', serving.certPem)}`,
    `--tls-private-key-file=${file('apiserver.key', serving.keyPem)}`,
    `--client-ca-file=${file('ca.crt', ca.certPem)}`,
  ];
  server = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: [...tlsArgs, '--authorization-mode=Node,RBAC'] });
  const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(server.output);
  if (!m) throw new Error(`no secure port in the apiserver's output:\n${server.output}`);
  securePort = Number(m[1]);

  await waitFor(async () => (await request(admin, 'GET', '/api/v1/namespaces/kube-node-lease')).status === 200, { what: 'the kube-node-lease namespace' });
  for (const name of ['a', 'b']) {
    await created(request(admin, 'POST', '/api/v1/nodes', { metadata: { name } }));
    await created(request(admin, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease(name)));
  }
  for (const name of ['used-on-a', 'used-on-b', 'unused']) await created(request(admin, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name }, data: { k: 'dg==' } }));
  await created(request(admin, 'POST', '/api/v1/namespaces/default/pods', pod('pod-a', 'a', 'used-on-a')));
  await created(request(admin, 'POST', '/api/v1/namespaces/default/pods', pod('pod-b', 'b', 'used-on-b')));
  // The graph follows the pods watch cache: wait until it knows pod-a.
  await waitFor(async () => (await request(nodeA, 'GET', '/api/v1/namespaces/default/secrets/used-on-a')).status === 200, { what: "node a's access to its pod's secret" });
});

afterAll(async () => {
  await server?.stop();
  await etcd?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the Node authorizer over HTTPS', () => {
  it('lets a node read a secret its pod uses and refuses one no pod on it uses', async () => {
    const mine = await request(nodeA, 'GET', '/api/v1/namespaces/default/secrets/used-on-a');
    expect(mine.status).toBe(200);
    expect(mine.body.metadata.name).toBe('used-on-a');
    for (const name of ['unused', 'used-on-b']) {
      const other = await request(nodeA, 'GET', `/api/v1/namespaces/default/secrets/${name}`);
      expect(other.status).toBe(403);
      expect(other.body.message).toBe(
        `secrets "${name}" is forbidden: User "system:node:a" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'a' and this object`,
      );
    }
    expect((await request(nodeB, 'GET', '/api/v1/namespaces/default/secrets/used-on-b')).status).toBe(200);
    expect((await request(nodeA, 'GET', '/api/v1/namespaces/default/secrets')).status).toBe(403);
  });

  it('lets a node read nodes and pods but modify only its own Node and Lease', async () => {
    expect((await request(nodeA, 'GET', '/api/v1/nodes/b')).status).toBe(200);
    expect((await request(nodeA, 'GET', '/api/v1/pods')).status).toBe(200);

    const ownStatus = await mergePatch(nodeA, '/api/v1/nodes/a/status', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] } });
    expect(ownStatus.status).toBe(200);
    expect(ownStatus.body.status.conditions[0].reason).toBe('KubeletReady');
    expect((await mergePatch(nodeA, '/api/v1/nodes/a', { metadata: { labels: { 'kubernetes.io/hostname': 'a' } } })).status).toBe(200);

    const otherNode = await mergePatch(nodeA, '/api/v1/nodes/b', { metadata: { labels: { x: 'y' } } });
    expect(otherNode.status).toBe(403);
    expect(otherNode.body.message).toContain("node 'a' is not allowed to modify node 'b'");
    expect((await mergePatch(nodeA, '/api/v1/nodes/b/status', { status: {} })).status).toBe(403);

    expect((await mergePatch(nodeA, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/a', { spec: { leaseDurationSeconds: 41 } })).status).toBe(200);
    const otherLease = await mergePatch(nodeA, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/b', { spec: { leaseDurationSeconds: 41 } });
    expect(otherLease.status).toBe(403);
    expect(otherLease.body.message).toContain('can only access node lease with the same name as the requesting node');
  });

  it('lets a node write the status of its own pods only', async () => {
    const own = await mergePatch(nodeA, '/api/v1/namespaces/default/pods/pod-a/status', { status: { phase: 'Running' } });
    expect(own.status).toBe(200);
    expect(own.body.status.phase).toBe('Running');

    const current = await request(admin, 'GET', '/api/v1/namespaces/default/pods/pod-b');
    const onB = await request(nodeA, 'PUT', '/api/v1/namespaces/default/pods/pod-b/status', { ...current.body, status: { phase: 'Failed' } });
    expect(onB.status).toBe(403);
    expect(onB.body.message).toContain("no relationship found between node 'a' and this object");
    expect((await request(admin, 'GET', '/api/v1/namespaces/default/pods/pod-b')).body.status?.phase).not.toBe('Failed');
  });
});

describe('NodeRestriction, on with the Node authorizer', () => {
  it("refuses a node creating another node's Lease or Node, creating a non-mirror pod, or deleting a pod bound elsewhere", async () => {
    const lease = await request(nodeA, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { metadata: { name: 'c' }, spec: {} });
    expect(lease.status).toBe(403);
    expect(lease.body.message).toContain('can only access node lease with the same name as the requesting node');

    const node = await request(nodeA, 'POST', '/api/v1/nodes', { metadata: { name: 'c' } });
    expect(node.status).toBe(403);
    expect(node.body.message).toBe('nodes "c" is forbidden: node "a" is not allowed to modify node "c"');

    const plain = await request(nodeA, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'sneaky' }, spec: { nodeName: 'a', containers: [{ name: 'c', image: 'busybox' }] } });
    expect(plain.status).toBe(403);
    expect(plain.body.message).toContain('node "a" can only create mirror pods');

    const del = await request(nodeA, 'DELETE', '/api/v1/namespaces/default/pods/pod-b');
    expect(del.status).toBe(403);
    expect(del.body.message).toContain('pod "pod-b" is bound to node "b"');
    expect((await request(admin, 'GET', '/api/v1/namespaces/default/pods/pod-b')).status).toBe(200);
  });

  it('admits a mirror pod bound to the node itself', async () => {
    const mirror = {
      metadata: { name: 'static-web-a', annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'x' }] },
      spec: { nodeName: 'a', containers: [{ name: 'c', image: 'busybox' }] },
    };
    const r = await request(nodeA, 'POST', '/api/v1/namespaces/default/pods', mirror);
    expect([r.status, r.body.message]).toEqual([201, undefined]);
  });
});

describe('the graph follows the pods', () => {
  it("takes a node's access to a secret away when the pod using it is deleted", async () => {
    expect((await request(admin, 'DELETE', '/api/v1/namespaces/default/pods/pod-a?gracePeriodSeconds=0')).status).toBe(200);
    await waitFor(async () => (await request(nodeA, 'GET', '/api/v1/namespaces/default/secrets/used-on-a')).status === 403, { what: "node a's access to end" });
  });
});

describe('--authorization-mode', () => {
  it('refuses Node without RBAC after it, with one line and exit code 2', () => {
    for (const mode of ['RBAC,Node', 'Node', 'Node,AlwaysAllow']) {
      const r = spawnSync(process.execPath, [apiserverBin, `--etcd-servers=${etcd.endpoint}`, '--port=0', ...tlsArgs, `--authorization-mode=${mode}`], { encoding: 'utf8', timeout: 30_000 });
      expect([mode, r.status]).toEqual([mode, 2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('--authorization-mode');
    }
  });
});
