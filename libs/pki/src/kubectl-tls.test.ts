import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ClusterCA } from './cluster-ca';
import { identityFromTlsSocket } from './identity';
import { writeKubeconfig } from './kubeconfig-writer';

// The real kubectl (Go's TLS and X.509 parser, stricter than OpenSSL in places) against a loopback server with
// our certificates, using kubeconfigs we wrote: what `skiff up` hands a user must work unchanged.
let ca: ClusterCA;
let server: https.Server;
let serverUrl: string;
let tmp: string;

function kubectlPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && fs.existsSync(path.join(dir, 'kubectl'))) return path.join(dir, 'kubectl');
  }
  throw new Error('kubectl is not installed: this test needs the real kubectl on PATH');
}

function kubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(kubectlPath(), [`--kubeconfig=${kubeconfig}`, ...args], { timeout: 30_000, env: { ...process.env, HOME: tmp } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes'], ipAddresses: ['127.0.0.1', '10.96.0.1'] });
  server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ identity: identityFromTlsSocket(req.socket as TLSSocket) ?? null, authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-kubectl-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('kubectl with a kubeconfig from writeKubeconfig', () => {
  it('verifies the serving certificate and presents the client certificate', async () => {
    const node = await ca.issueClient({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    const file = path.join(tmp, 'node.kubeconfig');
    writeKubeconfig(file, { server: serverUrl, caPem: ca.certPem, certPem: node.certPem, keyPem: node.keyPem, user: 'system:node:n1', cluster: 'skiff' });
    const out = await kubectl(file, ['get', '--raw', '/version']);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ identity: { user: 'system:node:n1', groups: ['system:nodes'] }, authorization: null });
  });

  it('sends a bearer token', async () => {
    const file = path.join(tmp, 'token.kubeconfig');
    writeKubeconfig(file, { server: serverUrl, caPem: ca.certPem, token: 'abcdef.0123456789abcdef', user: 'bootstrap', cluster: 'skiff' });
    const out = await kubectl(file, ['get', '--raw', '/version']);
    expect(JSON.parse(out.stdout)).toEqual({ identity: null, authorization: 'Bearer abcdef.0123456789abcdef' });
  });

  it('refuses a server whose certificate is not from the kubeconfig CA', async () => {
    const other = await ClusterCA.create({ commonName: 'other-ca' });
    const file = path.join(tmp, 'other.kubeconfig');
    writeKubeconfig(file, { server: serverUrl, caPem: other.certPem, token: 't', user: 'u', cluster: 'c' });
    const out = await kubectl(file, ['get', '--raw', '/version']);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/certificate signed by unknown authority/);
  });
});
