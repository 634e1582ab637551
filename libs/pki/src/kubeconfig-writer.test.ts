import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { HttpKubeClient, loadClientConfig, readKubeconfig } from '@skiff/client';
import { parse as parseYaml } from 'yaml';
import { ClusterCA, type IssuedCertificate } from './cluster-ca';
import { identityFromTlsSocket } from './identity';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig-writer';

// An https server on loopback that answers every request with who it thinks the caller is, by client
// certificate or by bearer token, as the apiserver's authenticators will.
let ca: ClusterCA;
let server: https.Server;
let serverUrl: string;
let tmp: string;
let admin: IssuedCertificate;

beforeAll(async () => {
  ca = await ClusterCA.create();
  admin = await ca.issueClient({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const identity = identityFromTlsSocket(req.socket as TLSSocket);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ path: req.url, identity: identity ?? null, authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-kubeconfig-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function whoAmI(file: string): Promise<{ path: string; identity: unknown; authorization: string | null }> {
  const client = new HttpKubeClient(loadClientConfig({ kubeconfigPath: file }));
  try {
    const res = await client.rawRequest('GET', '/version');
    expect(res.status).toBe(200);
    return JSON.parse(res.body);
  } finally {
    client.close();
  }
}

describe('writeKubeconfig', () => {
  it('writes a 0600 kubeconfig with embedded CA, client certificate and key that libs/client uses over https', async () => {
    const file = path.join(tmp, 'admin.kubeconfig');
    writeKubeconfig(file, { server: serverUrl, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'kubernetes-admin', cluster: 'skiff' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const doc = parseYaml(fs.readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'kubernetes-admin@skiff',
      clusters: [{ name: 'skiff', cluster: { server: serverUrl, 'certificate-authority-data': Buffer.from(ca.certPem).toString('base64') } }],
      users: [{ name: 'kubernetes-admin', user: { 'client-certificate-data': expect.any(String), 'client-key-data': expect.any(String) } }],
      contexts: [{ name: 'kubernetes-admin@skiff', context: { cluster: 'skiff', user: 'kubernetes-admin' } }],
    });

    const config = loadClientConfig({ kubeconfigPath: file });
    expect(config).toEqual({ server: serverUrl, caData: ca.certPem, certData: admin.certPem, keyData: admin.keyPem, namespace: 'default' });
    expect(await whoAmI(file)).toEqual({ path: '/version', identity: { user: 'kubernetes-admin', groups: ['system:masters'] }, authorization: null });
  });

  it('writes a token kubeconfig with a namespace, and the client sends the token as a bearer', async () => {
    const file = path.join(tmp, 'sa.kubeconfig');
    writeKubeconfig(file, { server: serverUrl, caPem: ca.certPem, token: 'abc.def-123', user: 'robot', cluster: 'skiff', namespace: 'team-a' });
    const config = loadClientConfig({ kubeconfigPath: file });
    expect(config).toEqual({ server: serverUrl, caData: ca.certPem, token: 'abc.def-123', namespace: 'team-a' });
    expect(await whoAmI(file)).toEqual({ path: '/version', identity: null, authorization: 'Bearer abc.def-123' });
  });

  it('gives a kubeconfig whose CA is not the server one that a client refuses to use', async () => {
    const other = await ClusterCA.create();
    const file = path.join(tmp, 'wrong.kubeconfig');
    writeKubeconfig(file, { server: serverUrl, caPem: other.certPem, token: 't', user: 'u', cluster: 'c' });
    const client = new HttpKubeClient(loadClientConfig({ kubeconfigPath: file }));
    try {
      await expect(client.rawRequest('GET', '/version')).rejects.toThrow(/self-signed certificate in certificate chain|unable to verify/);
    } finally {
      client.close();
    }
  });

  it('replaces an existing file and tightens its mode', () => {
    const file = path.join(tmp, 'k');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    writeKubeconfig(file, { server: 'https://127.0.0.1:6443', caPem: ca.certPem, user: 'anonymous', cluster: 'c' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readKubeconfig({ kubeconfigPath: file }).users.get('anonymous')).toEqual({});
    expect(fs.readdirSync(tmp)).toEqual(['k']);
  });

  it('refuses incomplete or malformed input with a clear error', () => {
    const base = { server: 'https://127.0.0.1:6443', caPem: ca.certPem, user: 'u', cluster: 'c' };
    expect(() => kubeconfigYaml({ ...base, server: 'not a url' })).toThrow(/server "not a url" is not a URL/);
    expect(() => kubeconfigYaml({ ...base, server: 'ftp://h' })).toThrow(/must be an https:\/\/ or http:\/\/ URL/);
    expect(() => kubeconfigYaml({ ...base, caPem: 'x' })).toThrow(/caPem must be a PEM certificate/);
    expect(() => kubeconfigYaml({ ...base, certPem: admin.certPem })).toThrow(/certificate and key must be given together/);
    expect(() => kubeconfigYaml({ ...base, certPem: admin.certPem, keyPem: 'nope' })).toThrow(/keyPem must be a PEM private key/);
    expect(() => kubeconfigYaml({ ...base, token: 'a b' })).toThrow(/token must be non-empty and without whitespace/);
    expect(() => kubeconfigYaml({ ...base, user: '' })).toThrow(/user name must be a non-empty string/);
  });
});
