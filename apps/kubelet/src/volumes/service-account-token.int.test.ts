import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pods, type Pod } from '@skiff/api';
import { HttpKubeClient, InformerFactory, realClock } from '@skiff/client';
import { ClusterCA, adminIdentity, type IssuedCertificate } from '@skiff/pki';
import { TestApiserver, TestEtcd, tlsRequest, waitFor } from '@skiff/testing';
import { ApiPodObjectSource } from '../pod/object-source';
import { ServiceAccountTokens } from './service-account-tokens';
import { apiTokenRequester } from './token-request';
import { VolumeManager } from './volume-manager';

jest.setTimeout(120_000);

// A real apiserver with a ServiceAccount signing key, HTTPS and Node,RBAC; the kubelet's volume manager asks
// for the token with node n1's client certificate, as a kubelet does.
let etcd: TestEtcd;
let server: TestApiserver;
let dir: string;
let ca: ClusterCA;
let admin: IssuedCertificate;
let node: IssuedCertificate;
let securePort: number;
let nodeClient: HttpKubeClient;

interface Reply {
  status: number;
  body: any;
}

function request(method: string, urlPath: string, auth: { cert?: IssuedCertificate; token?: string }, body?: unknown): Promise<Reply> {
  return tlsRequest({ port: securePort, method, path: urlPath, caPem: ca.certPem, cert: auth.cert, token: auth.token, body });
}

async function create(urlPath: string, body: unknown): Promise<any> {
  const r = await request('POST', urlPath, { cert: admin }, body);
  if (r.status !== 201) throw new Error(`POST ${urlPath} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

function claimsOf(jwt: string): any {
  const parts = jwt.split('.');
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-sa-token-'));
  ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  admin = await ca.issueClient({ commonName: adminIdentity.commonName, organizations: adminIdentity.organizations });
  node = await ca.issueClient({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = (name: string, text: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  etcd = await TestEtcd.start();
  server = await TestApiserver.start({
    etcdEndpoint: etcd.endpoint,
    extraArgs: [
      '--secure-port=0',
      `--tls-cert-file=${file('apiserver.crt', serving.certPem)}`,
      `--tls-private-key-file=${file('apiserver.key', serving.keyPem)}`,
      `--client-ca-file=${file('ca.crt', ca.certPem)}`,
      '--authorization-mode=Node,RBAC',
      `--service-account-signing-key-file=${file('sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }))}`,
    ],
  });
  const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(server.output);
  if (!m) throw new Error(`no secure port in the apiserver's output:\n${server.output}`);
  securePort = Number(m[1]);
  nodeClient = new HttpKubeClient({ server: `https://127.0.0.1:${securePort}`, caData: ca.certPem, certData: node.certPem, keyData: node.keyPem, namespace: 'default' });

  await waitFor(async () => (await request('GET', '/api/v1/namespaces/default', { cert: admin })).status === 200, { what: 'the default namespace' });
  await create('/api/v1/nodes', { metadata: { name: 'n1' } });
  await create('/api/v1/namespaces', { metadata: { name: 'tokens' } });
  // What the controller-manager would make: the namespace's default account and the cluster CA configmap.
  await create('/api/v1/namespaces/tokens/serviceaccounts', { metadata: { name: 'default' } });
  await create('/api/v1/namespaces/tokens/configmaps', { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': ca.certPem } });
});

afterAll(async () => {
  nodeClient?.close();
  await server?.stop();
  await etcd?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the kube-api-access volume on a node', () => {
  it('holds a token bound to the pod that authenticates as its service account until the pod is gone', async () => {
    const created: Pod = await create('/api/v1/namespaces/tokens/pods', { metadata: { name: 'web' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    const volume = created.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    expect(volume).toBeDefined();
    // The Node authorizer learns of the pod from its watch: wait until n1 may read what the pod uses.
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/tokens/configmaps/kube-root-ca.crt', { cert: node })).status === 200, {
      what: "n1's access to its pod's configmap",
    });

    const pod = await nodeClient.get<Pod>(pods, 'tokens', 'web');
    const objects = new ApiPodObjectSource(nodeClient, new InformerFactory(nodeClient), { nodeAllocatable: () => ({ cpu: '1', memory: '1Gi' }) });
    const tokens = new ServiceAccountTokens(apiTokenRequester(nodeClient), { clock: realClock });
    const manager = new VolumeManager({ rootDir: path.join(dir, 'kubelet'), objects, tokens, canMount: false });
    const paths = await manager.setUpPod(pod);
    const volumeDir = paths.get(volume.name)!;
    expect(fs.readFileSync(path.join(volumeDir, 'namespace'), 'utf8')).toBe('tokens');
    expect(fs.readFileSync(path.join(volumeDir, 'ca.crt'), 'utf8')).toBe(ca.certPem);
    expect(fs.statSync(path.join(volumeDir, 'token')).mode & 0o777).toBe(0o644);
    const token = fs.readFileSync(path.join(volumeDir, 'token'), 'utf8');
    const claims = claimsOf(token);
    expect(claims.sub).toBe('system:serviceaccount:tokens:default');
    expect(claims['kubernetes.io'].namespace).toBe('tokens');
    expect(claims['kubernetes.io'].serviceaccount.name).toBe('default');
    expect(claims['kubernetes.io'].pod).toEqual({ name: 'web', uid: pod.metadata.uid });
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());

    // A second pass reuses the cached token: the file stays as it is.
    await manager.setUpPod(pod);
    expect(fs.readFileSync(path.join(volumeDir, 'token'), 'utf8')).toBe(token);

    const whoami = await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token }, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(whoami.status).toBe(201);
    expect(whoami.body.status.userInfo).toMatchObject({
      username: 'system:serviceaccount:tokens:default',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:tokens', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': [pod.metadata.uid] },
    });
    const asAccount = await request('GET', '/api/v1/namespaces/tokens/secrets', { token });
    expect(asAccount.status).toBe(403);
    expect(asAccount.body.message).toContain('User "system:serviceaccount:tokens:default" cannot list resource "secrets"');
    expect((await request('GET', '/api/v1/namespaces/tokens/secrets', { token: token.slice(0, -4) + 'AAAA' })).status).toBe(401);

    const deleted = await request('DELETE', '/api/v1/namespaces/tokens/pods/web?gracePeriodSeconds=0', { cert: admin });
    expect(deleted.status).toBe(200);
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/tokens/secrets', { token })).status === 401, { what: 'the bound token to stop authenticating' });
    await manager.tearDownPod(pod.metadata.uid!);
    expect(tokens.size).toBe(0);
  });

  it('fails the volume with the apiserver\'s answer when the pod\'s account is gone', async () => {
    await create('/api/v1/namespaces/tokens/serviceaccounts', { metadata: { name: 'short-lived' } });
    const created: Pod = await create('/api/v1/namespaces/tokens/pods', {
      metadata: { name: 'orphan' },
      spec: { nodeName: 'n1', serviceAccountName: 'short-lived', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    expect((await request('DELETE', '/api/v1/namespaces/tokens/serviceaccounts/short-lived', { cert: admin })).status).toBe(200);
    const volume = created.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/tokens/configmaps/kube-root-ca.crt', { cert: node })).status === 200, {
      what: "n1's access to its pod's configmap",
    });
    const objects = new ApiPodObjectSource(nodeClient, new InformerFactory(nodeClient), { nodeAllocatable: () => ({ cpu: '1', memory: '1Gi' }) });
    const manager = new VolumeManager({ rootDir: path.join(dir, 'kubelet'), objects, tokens: new ServiceAccountTokens(apiTokenRequester(nodeClient), { clock: realClock }), canMount: false });
    await expect(manager.setUpPod(created)).rejects.toThrow(`MountVolume.SetUp failed for volume "${volume.name}" : failed to fetch token: serviceaccounts "short-lived" not found`);
  });
});
