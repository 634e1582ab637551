import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { certificateInfo, checkCertificate } from './certificate-info';
import { ClusterCA } from './cluster-ca';
import { clusterCertificateNames, ensureClusterPki, etcdCertificateNames, type ClusterPkiOptions } from './cluster-pki';

/** Every certificate file ensureClusterPki issues, etcd's included. */
const allCertificates = [...clusterCertificateNames, ...etcdCertificateNames].map((n) => `${n}.crt`).sort();

const dayMs = 86_400_000;
const opts: ClusterPkiOptions = { nodeName: 'node-1', nodeIPs: ['192.168.50.10'] };
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-cluster-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every file below `dir` (etcd/ included), by its relative path. */
function files(): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

function snapshot(): Record<string, string> {
  return Object.fromEntries(files().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

describe('ensureClusterPki', () => {
  it('lays out the CA, serving and client certificates with the subjects and SANs of a kubeadm-like cluster', async () => {
    const pki = await ensureClusterPki(dir, opts);
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['ca.crt', 'ca.key', 'etcd', 'sa.key', 'sa.pub', ...clusterCertificateNames.flatMap((n) => [`${n}.crt`, `${n}.key`]), 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key'].sort(),
    );
    expect(fs.readdirSync(path.join(dir, 'etcd')).sort()).toEqual(['ca.crt', 'ca.key', 'healthcheck-client.crt', 'healthcheck-client.key', 'peer.crt', 'peer.key', 'server.crt', 'server.key']);
    for (const f of [...fs.readdirSync(dir).filter((f) => f !== 'etcd'), ...fs.readdirSync(path.join(dir, 'etcd')).map((f) => `etcd/${f}`)]) {
      expect({ f, mode: fs.statSync(path.join(dir, f)).mode & 0o777 }).toEqual({ f, mode: f.endsWith('.key') ? 0o600 : 0o644 });
    }
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'etcd')).mode & 0o777).toBe(0o700);
    expect(pki.changes.map((c) => c.file).sort()).toEqual(['ca.crt', 'etcd/ca.crt', 'sa.key', 'sa.pub', ...allCertificates].sort());

    const info = (name: (typeof clusterCertificateNames)[number]) => certificateInfo(pki.certificates[name].certPem);
    expect(info('apiserver')).toMatchObject({
      commonName: 'kube-apiserver',
      purposes: ['serverAuth'],
      dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', 'node-1'],
      ipAddresses: ['127.0.0.1', '::1', '10.96.0.1', '192.168.50.10'],
    });
    expect(info('kubelet')).toMatchObject({
      commonName: 'system:node:node-1',
      organizations: ['system:nodes'],
      purposes: ['serverAuth'],
      dnsNames: ['node-1', 'localhost'],
      ipAddresses: ['127.0.0.1', '192.168.50.10'],
    });
    const clients = Object.fromEntries(
      clusterCertificateNames.filter((n) => info(n).purposes[0] === 'clientAuth').map((n) => [n, [info(n).commonName, ...info(n).organizations]]),
    );
    expect(clients).toEqual({
      'apiserver-kubelet-client': ['kube-apiserver-kubelet-client'],
      'kubelet-client': ['system:node:node-1', 'system:nodes'],
      'kube-scheduler': ['system:kube-scheduler'],
      'kube-controller-manager': ['system:kube-controller-manager'],
      'kube-proxy': ['system:kube-proxy'],
      admin: ['kubernetes-admin', 'system:masters'],
    });
    for (const name of clusterCertificateNames) {
      const files = pki.certificates[name];
      expect(checkCertificate(files.certPem, pki.ca.certPem, { keyPem: files.keyPem, minRemainingMs: 364 * dayMs }).ok).toBe(true);
      expect(fs.readFileSync(files.certFile, 'utf8')).toBe(files.certPem);
    }

    // etcd's own CA signs its certificates, and nothing the cluster CA signed gets into etcd.
    expect(pki.etcd.ca.commonName).toBe('etcd-ca');
    const etcdInfo = (name: (typeof etcdCertificateNames)[number]) => certificateInfo(pki.etcd.certificates[name].certPem);
    for (const name of ['etcd/server', 'etcd/peer'] as const) {
      expect(etcdInfo(name)).toMatchObject({ commonName: 'node-1', purposes: ['serverAuth', 'clientAuth'], dnsNames: ['localhost', 'node-1'], ipAddresses: ['127.0.0.1', '::1', '192.168.50.10'] });
    }
    expect([etcdInfo('etcd/healthcheck-client'), etcdInfo('apiserver-etcd-client')].map((i) => [i.commonName, i.purposes])).toEqual([
      ['kube-etcd-healthcheck-client', ['clientAuth']],
      ['kube-apiserver-etcd-client', ['clientAuth']],
    ]);
    for (const name of etcdCertificateNames) {
      const files = pki.etcd.certificates[name];
      expect(checkCertificate(files.certPem, pki.etcd.ca.certPem, { keyPem: files.keyPem }).ok).toBe(true);
      expect(checkCertificate(files.certPem, pki.ca.certPem).ok).toBe(false);
    }
    expect(checkCertificate(pki.certificates.admin.certPem, pki.etcd.ca.certPem).ok).toBe(false);
  });

  it('writes nothing on a second call and returns the same material', async () => {
    const first = await ensureClusterPki(dir, opts);
    const before = snapshot();
    const mtimes = files().map((f) => fs.statSync(path.join(dir, f)).mtimeMs);
    const second = await ensureClusterPki(dir, opts);
    expect(second.changes).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(files().map((f) => fs.statSync(path.join(dir, f)).mtimeMs)).toEqual(mtimes);
    expect(second.ca.certPem).toBe(first.ca.certPem);
    expect(second.certificates.admin).toEqual(first.certificates.admin);
    expect(second.serviceAccountKey).toEqual(first.serviceAccountKey);
  });

  it('reissues only a certificate that expires within 30 days, and keeps its neighbours and the CA', async () => {
    const first = await ensureClusterPki(dir, opts);
    const ca = await ClusterCA.load(dir);
    const short = await ca.issueClient({ commonName: 'system:kube-scheduler', days: 10 });
    fs.writeFileSync(path.join(dir, 'kube-scheduler.crt'), short.certPem);
    fs.writeFileSync(path.join(dir, 'kube-scheduler.key'), short.keyPem);
    const before = snapshot();

    const second = await ensureClusterPki(dir, opts);
    expect(second.changes).toEqual([{ file: 'kube-scheduler.crt', reason: expect.stringMatching(/^expires at .*, within 30 days$/) }]);
    const after = snapshot();
    for (const f of Object.keys(before)) if (!f.startsWith('kube-scheduler.')) expect({ f, text: after[f] }).toEqual({ f, text: before[f] });
    expect(after['kube-scheduler.key']).not.toBe(short.keyPem);
    expect(certificateInfo(after['kube-scheduler.crt']).notAfter.getTime() - Date.now()).toBeGreaterThan(364 * dayMs);
    expect(second.ca.certPem).toBe(first.ca.certPem);
  });

  it('reissues every certificate when the clock reaches 30 days before their end, but not the CA or the signing key', async () => {
    const first = await ensureClusterPki(dir, opts);
    const later = new Date(Date.now() + 340 * dayMs);
    const second = await ensureClusterPki(dir, { ...opts, now: later });
    expect(second.changes.map((c) => c.file).sort()).toEqual(allCertificates);
    expect(second.ca.certPem).toBe(first.ca.certPem);
    expect(second.etcd.ca.certPem).toBe(first.etcd.ca.certPem);
    expect(second.serviceAccountKey.privateKeyPem).toBe(first.serviceAccountKey.privateKeyPem);
    expect(certificateInfo(second.certificates.admin.certPem).notAfter.getTime()).toBeGreaterThan(later.getTime() + 364 * dayMs);
  });

  it('reissues the serving certificates when the node gains an address, and a certificate whose key went missing or changed', async () => {
    await ensureClusterPki(dir, opts);
    const widened = await ensureClusterPki(dir, { ...opts, nodeIPs: ['192.168.50.10', '10.1.2.3'], apiserverDnsNames: ['api.example.test'] });
    expect(widened.changes.map((c) => c.file).sort()).toEqual(['apiserver.crt', 'etcd/peer.crt', 'etcd/server.crt', 'kubelet.crt']);
    expect(widened.changes.find((c) => c.file === 'apiserver.crt')!.reason).toBe('SANs do not cover api.example.test, 10.1.2.3');
    expect(certificateInfo(widened.certificates.apiserver.certPem).ipAddresses).toContain('10.1.2.3');
    // Fewer names than the certificate has is fine: it still covers what is asked.
    expect((await ensureClusterPki(dir, opts)).changes).toEqual([]);

    fs.rmSync(path.join(dir, 'admin.key'));
    fs.writeFileSync(path.join(dir, 'kube-proxy.key'), fs.readFileSync(path.join(dir, 'kube-scheduler.key')));
    fs.writeFileSync(path.join(dir, 'kube-controller-manager.crt'), 'not a certificate');
    const repaired = await ensureClusterPki(dir, opts);
    expect(Object.fromEntries(repaired.changes.map((c) => [c.file, c.reason]))).toEqual({
      'admin.crt': 'missing',
      'kube-proxy.crt': 'key does not belong to the certificate',
      'kube-controller-manager.crt': expect.stringMatching(/^unreadable/),
    });
  });

  it('reissues everything signed by a CA that is no longer the cluster CA', async () => {
    await ensureClusterPki(dir, opts);
    const replacement = await ClusterCA.create();
    replacement.save(dir);
    const again = await ensureClusterPki(dir, opts);
    expect(again.changes.map((c) => c.file).sort()).toEqual(clusterCertificateNames.map((n) => `${n}.crt`).sort());
    expect(again.changes[0].reason).toBe('not signed by the CA CN=skiff-ca');
    expect(checkCertificate(again.certificates.admin.certPem, replacement.certPem).ok).toBe(true);
  });

  it('makes a ServiceAccount key that signs ES256 JWTs jose verifies with sa.pub, and rewrites a lost sa.pub from sa.key', async () => {
    // jose 6 is an ES module; a dynamic import is how CommonJS code (every Skiff program) loads it.
    const { compactVerify, CompactSign, importPKCS8, importSPKI } = await import('jose');
    const pki = await ensureClusterPki(dir, opts);
    expect(crypto.createPrivateKey(pki.serviceAccountKey.privateKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const signer = await importPKCS8(pki.serviceAccountKey.privateKeyPem, 'ES256');
    const verifier = await importSPKI(fs.readFileSync(pki.serviceAccountKey.publicKeyFile, 'utf8'), 'ES256');
    const jws = await new CompactSign(new TextEncoder().encode('{"sub":"system:serviceaccount:default:default"}'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(signer);
    const { payload } = await compactVerify(jws, verifier);
    expect(new TextDecoder().decode(payload)).toContain('system:serviceaccount:default:default');

    fs.rmSync(pki.serviceAccountKey.publicKeyFile);
    const again = await ensureClusterPki(dir, opts);
    expect(again.changes).toEqual([{ file: 'sa.pub', reason: 'derived from sa.key' }]);
    expect(fs.readFileSync(again.serviceAccountKey.publicKeyFile, 'utf8')).toBe(pki.serviceAccountKey.publicKeyPem);
  });

  it('refuses a broken signing key, an expired CA, a lone CA certificate and a bad node name with clear errors', async () => {
    await ensureClusterPki(dir, opts);
    fs.writeFileSync(path.join(dir, 'sa.key'), 'garbage');
    await expect(ensureClusterPki(dir, opts)).rejects.toThrow(/ServiceAccount signing key .*sa\.key is not a readable PEM private key/);

    const expiredDir = path.join(dir, 'expired');
    (await ClusterCA.create({ days: 1, now: new Date(Date.now() - 2 * dayMs) })).save(expiredDir);
    await expect(ensureClusterPki(expiredDir, opts)).rejects.toThrow(/cluster CA in .* expired at/);

    const loneDir = path.join(dir, 'lone');
    fs.mkdirSync(loneDir);
    fs.copyFileSync(path.join(dir, 'ca.crt'), path.join(loneDir, 'ca.crt'));
    await expect(ensureClusterPki(loneDir, opts)).rejects.toThrow(/no CA key at/);

    await expect(ensureClusterPki(path.join(dir, 'n'), { nodeName: 'Node_1' })).rejects.toThrow(/node name "Node_1" is not a DNS subdomain/);
    await expect(ensureClusterPki(path.join(dir, 'ip'), { ...opts, nodeIPs: ['300.1.1.1'] })).rejects.toThrow(/"300.1.1.1" is not an IP address/);
  });
});
