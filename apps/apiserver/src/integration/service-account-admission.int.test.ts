import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA } from '@skiff/pki';
import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(60_000);

// ServiceAccount admission is on because the apiserver has a signing key (which needs the secure port); requests go
// to the plain port. No controller-manager runs, so the tests make the accounts.
let cp: TestControlPlane;
let base: string;
let dir: string;

const podSpec = { containers: [{ name: 'c', image: 'busybox:1.36' }] };
const pod = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...metadata },
  spec: { ...podSpec, ...spec },
});
const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

async function namespace(name: string): Promise<string> {
  const res = await call(base, 'POST', '/api/v1/namespaces', { metadata: { name } });
  if (res.status !== 201) throw new Error(`namespace ${name}: ${res.status} ${res.text}`);
  return `/api/v1/namespaces/${name}`;
}

async function serviceAccount(ns: string, body: Record<string, unknown>): Promise<void> {
  const res = await call(base, 'POST', `${ns}/serviceaccounts`, body);
  if (res.status !== 201) throw new Error(`serviceaccount: ${res.status} ${res.text}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-admission-'));
  const ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const file = (name: string, text: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  cp = await startControlPlane({
    apiserverArgs: [
      '--secure-port=0',
      `--tls-cert-file=${file('apiserver.crt', serving.certPem)}`,
      `--tls-private-key-file=${file('apiserver.key', serving.keyPem)}`,
      `--service-account-signing-key-file=${file('sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }))}`,
    ],
  });
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ServiceAccount admission', () => {
  it('runs a pod as default with a kube-api-access volume in every container', async () => {
    const ns = await namespace('sa-basic');
    await serviceAccount(ns, { metadata: { name: 'default' } });
    const res = await call(base, 'POST', `${ns}/pods`, pod('web', { initContainers: [{ name: 'init', image: 'busybox:1.36' }] }));
    expect(res.status).toBe(201);
    const spec = res.body.spec;
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.serviceAccount).toBe('default');
    expect(spec.volumes).toHaveLength(1);
    const volume = spec.volumes[0];
    expect(volume.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(volume.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...spec.initContainers, ...spec.containers]) expect(c.volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath }]);
    const stored = await call(base, 'GET', `${ns}/pods/web`);
    expect(stored.body.spec.volumes[0].name).toBe(volume.name);
  });

  it('refuses a pod whose account does not exist, after waiting a little for default', async () => {
    const ns = await namespace('sa-missing');
    const named = await call(base, 'POST', `${ns}/pods`, pod('named', { serviceAccountName: 'ghost' }));
    expect(named.status).toBe(403);
    expect(named.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message: 'pods "named" is forbidden: error looking up service account sa-missing/ghost: serviceaccount "ghost" not found',
    });
    const unnamed = await call(base, 'POST', `${ns}/pods`, pod('unnamed'));
    expect(unnamed.status).toBe(403);
    expect(unnamed.body.message).toBe('pods "unnamed" is forbidden: error looking up service account sa-missing/default: serviceaccount "default" not found');
  });

  it('admits a pod whose default account is made while admission waits for it', async () => {
    const ns = await namespace('sa-late');
    const pending = call(base, 'POST', `${ns}/pods`, pod('early'));
    await serviceAccount(ns, { metadata: { name: 'default' } });
    const res = await pending;
    expect(res.status).toBe(201);
    expect(res.body.spec.volumes[0].name).toMatch(/^kube-api-access-/);
  });

  it('mounts nothing when the account opts out, unless the pod opts in; copies the account\'s pull secrets', async () => {
    const ns = await namespace('sa-optout');
    await serviceAccount(ns, { metadata: { name: 'quiet' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry' }] });
    const quiet = await call(base, 'POST', `${ns}/pods`, pod('quiet', { serviceAccountName: 'quiet' }));
    expect(quiet.status).toBe(201);
    expect(quiet.body.spec.volumes).toBeUndefined();
    expect(quiet.body.spec.containers[0].volumeMounts).toBeUndefined();
    expect(quiet.body.spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    const optIn = await call(base, 'POST', `${ns}/pods`, pod('loud', { serviceAccountName: 'quiet', automountServiceAccountToken: true }));
    expect(optIn.status).toBe(201);
    expect(optIn.body.spec.volumes.map((v: { name: string }) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-/)]);
  });

  it('keeps serviceAccountName fixed after create', async () => {
    const ns = await namespace('sa-update');
    await serviceAccount(ns, { metadata: { name: 'default' } });
    await serviceAccount(ns, { metadata: { name: 'other' } });
    expect((await call(base, 'POST', `${ns}/pods`, pod('fixed'))).status).toBe(201);
    const patched = await call(base, 'PATCH', `${ns}/pods/fixed`, { spec: { serviceAccountName: 'other' } }, 'application/merge-patch+json');
    expect(patched.status).toBe(422);
    expect(patched.body.message).toContain('pod updates may not change fields other than');
  });

  it('leaves mirror pods alone but refuses ones that reference secrets', async () => {
    const ns = await namespace('sa-mirror');
    const mirror = { annotations: { 'kubernetes.io/config.mirror': 'abc123' } };
    const plain = await call(base, 'POST', `${ns}/pods`, pod('static-web', { nodeName: 'n1' }, mirror));
    expect(plain.status).toBe(201);
    expect(plain.body.spec.volumes).toBeUndefined();
    const withSecret = await call(base, 'POST', `${ns}/pods`, pod('static-db', { nodeName: 'n1', volumes: [{ name: 's', secret: { secretName: 'db' } }] }, mirror));
    expect(withSecret.status).toBe(403);
    expect(withSecret.body.message).toBe('pods "static-db" is forbidden: a mirror pod may not reference secrets');
  });
});
