import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { caCertHash, clusterInfoKubeconfig, ensureClusterPki, writeKubeconfig, type ClusterPki } from '@skiff/pki';
import { TestApiserver, TestEtcd } from '@skiff/testing';
import { CliHarness } from './skiff-harness';

/**
 * `skiff token create|list|delete` against a real etcd + apiserver serving HTTPS with bootstrap-token
 * authentication: the tokens it makes authenticate as system:bootstrap:<id>, the join command pins the cluster CA.
 */
jest.setTimeout(60_000);

let etcd: TestEtcd;
let apiserver: TestApiserver;
let pki: ClusterPki;
let h: CliHarness;
let admin: string;

/** Who a bearer token authenticates as, by a SelfSubjectReview; the HTTP status when it does not. */
function whoami(token: string): Promise<{ username: string; groups: string[] } | number> {
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: apiserver.securePort, path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', method: 'POST', ca: pki.ca.certPem, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => (res.statusCode === 201 ? resolve((JSON.parse(text) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo) : resolve(res.statusCode ?? 0)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  h = new CliHarness('http://127.0.0.1:1');
  pki = await ensureClusterPki(path.join(h.dir, 'pki'), { nodeName: 'token-test' });
  etcd = await TestEtcd.start();
  const serving = pki.certificates.apiserver;
  apiserver = await TestApiserver.start({
    etcdEndpoint: etcd.endpoint,
    extraArgs: ['--secure-port=0', `--tls-cert-file=${serving.certFile}`, `--tls-private-key-file=${serving.keyFile}`, `--client-ca-file=${pki.caCertFile}`, '--authorization-mode=Node,RBAC', '--enable-bootstrap-token-auth'],
  });
  admin = path.join(h.dir, 'admin.kubeconfig');
  const cert = pki.certificates.admin;
  writeKubeconfig(admin, { server: apiserver.secureUrl, caPem: pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem, user: 'kubernetes-admin', cluster: 'skiff' });
}, 60_000);

afterAll(async () => {
  await apiserver?.stop();
  await etcd?.destroy();
  h?.cleanup();
});

const skiff = (args: string[]) => h.skiff([`--kubeconfig=${admin}`, ...args]);

/** GET `path` on the secure port as a bearer token: the status. */
function getAs(token: string, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: apiserver.securePort, path: urlPath, method: 'GET', ca: pki.ca.certPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('skiff token', () => {
  it('shares the control plane keys for --control-plane: sealed, owned by the token, readable by join tokens and nothing more', async () => {
    const r = await skiff(['token', 'create', '--control-plane', `--data-dir=${h.dir}`]);
    expect(r.stderr).toBe('');
    const m = /^skiff join --server (\S+) --token ([a-z0-9]{6})\.([a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64}) --control-plane --certificate-key ([0-9a-f]{64})$/.exec(r.stdout.trim());
    expect(m).not.toBeNull();
    const [, , id, secret] = m!;
    const shared = JSON.parse((await h.kubectl([`--kubeconfig=${admin}`, '-n', 'kube-system', 'get', 'secret', 'skiff-control-plane-certs', '-o', 'json'])).stdout) as { data: Record<string, string>; metadata: { ownerReferences: Array<{ kind: string; name: string }> } };
    expect(Object.keys(shared.data).sort()).toEqual(['ca.crt', 'ca.key', 'etcd-ca.crt', 'etcd-ca.key', 'sa.key', 'sa.pub']);
    expect(Buffer.from(shared.data['ca.key'], 'base64').toString('latin1')).not.toContain('PRIVATE KEY');
    expect(shared.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Secret', name: `bootstrap-token-${id}` })]);
    const token = `${id}.${secret}`;
    expect(await getAs(token, '/api/v1/namespaces/kube-system/secrets/skiff-control-plane-certs')).toBe(200);
    expect(await getAs(token, `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}`)).toBe(403);
    expect(await getAs(token, '/api/v1/namespaces/kube-system/secrets')).toBe(403);
  });

  it('creates a token that authenticates as system:bootstrap:<id>, and prints a join command pinning the CA of the kubeconfig', async () => {
    const r = await skiff(['token', 'create', '--print-join-command']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const m = /^skiff join --server (\S+) --token ([a-z0-9]{6})\.([a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})\n$/.exec(r.stdout);
    expect(m).not.toBeNull();
    const [, server, id, secret, hash] = m!;
    expect(server).toBe(apiserver.secureUrl);
    expect(hash).toBe(caCertHash(pki.ca.certPem));
    expect(await whoami(`${id}.${secret}`)).toEqual({ username: `system:bootstrap:${id}`, groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated'] });
  });

  it('takes the server for the join command from kube-public/cluster-info when the cluster publishes it', async () => {
    const kubeconfig = clusterInfoKubeconfig('https://192.0.2.10:6443', pki.ca.certPem);
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig } });
    expect((await h.skiff([`--kubeconfig=${admin}`, 'create', '-f', h.file('cluster-info.json', cm)])).code).toBe(0);
    const r = await skiff(['token', 'create', '--print-join-command']);
    expect(r.stdout).toMatch(/^skiff join --server https:\/\/192\.0\.2\.10:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}\n$/);
  });

  it('creates a given token with a TTL and description, lists it, and deletes it by id so it no longer authenticates', async () => {
    const token = 'abcdef.0123456789abcdef';
    const created = await skiff(['token', 'create', token, '--ttl=2h', '--description=for node-9']);
    expect({ code: created.code, stdout: created.stdout, stderr: created.stderr }).toEqual({ code: 0, stdout: `${token}\n`, stderr: '' });
    expect(await whoami(token)).toMatchObject({ username: 'system:bootstrap:abcdef' });
    const list = await skiff(['token', 'list']);
    expect(list.stdout.split('\n')[0]).toMatch(/^TOKEN +TTL +EXPIRES +USAGES +DESCRIPTION +EXTRA GROUPS$/);
    expect(list.stdout).toMatch(new RegExp(`^${token.replace('.', '\\.')} +1h +\\S+Z +authentication,signing +for node-9 +system:bootstrappers:kubeadm:default-node-token$`, 'm'));
    expect((await skiff(['token', 'delete', 'abcdef'])).stdout).toBe('bootstrap token "abcdef" deleted\n');
    expect(await whoami(token)).toBe(401);
    expect((await skiff(['token', 'list'])).stdout).not.toContain('abcdef.');
  });

  it('refuses malformed tokens, TTLs, usages and groups with one line, creating nothing', async () => {
    const before = (await skiff(['token', 'list'])).stdout;
    const cases: Array<[string[], string]> = [
      [['token', 'create', 'ABCDEF.0123456789abcdef'], 'error: token "ABCDEF.0123456789abcdef" is not of the form [a-z0-9]{6}.[a-z0-9]{16}\n'],
      [['token', 'create', '--ttl=soon'], 'error: invalid --ttl "soon" (use e.g. 2h, 30m; 0 never expires)\n'],
      [['token', 'create', '--usages=everything'], 'error: invalid --usages value "everything" (use signing, authentication)\n'],
      [['token', 'create', '--groups=admins'], 'error: bootstrap token extra group "admins" must start with system:bootstrappers: and use only [a-z0-9:-]\n'],
      [['token', 'delete', 'zzzzzz'], 'error: bootstrap token "zzzzzz" not found\n'],
      // No control plane's keys to share: the token made for the command is deleted again.
      [['token', 'create', '--control-plane', `--data-dir=${path.join(h.dir, 'nowhere')}`], `error: ${path.join(h.dir, 'nowhere', 'pki', 'ca.crt')} is missing: run this on a control-plane machine, with its --data-dir\n`],
    ];
    for (const [args, message] of cases) {
      const r = await skiff(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 1, stderr: message });
    }
    expect((await skiff(['token', 'list'])).stdout).toBe(before);
    expect(fs.existsSync(admin)).toBe(true);
  });
});
