import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureClusterPki, type ClusterPki } from '@skiff/pki';
import { etcdBinary, freePort, ProcessHandle, TestApiserver, tlsRequest, waitFor } from '@skiff/testing';
import { call } from './http';

/**
 * The apiserver on an etcd that serves only TLS and lets in only client certificates from etcd's own CA, as `skiff
 * up` runs it: `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile` with the certificates ensureClusterPki makes.
 */
jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-etcd-tls-'));
let pki: ClusterPki;
let etcd: ProcessHandle;
let clientPort: number;
let apiserver: TestApiserver | undefined;

const etcdHealth = (cert?: { certPem: string; keyPem: string }) => tlsRequest({ port: clientPort, method: 'GET', path: '/health', caPem: pki.etcd.ca.certPem, cert });

beforeAll(async () => {
  pki = await ensureClusterPki(path.join(dir, 'pki'), { nodeName: 'etcd-tls-test' });
  const files = pki.etcd.certificates;
  clientPort = await freePort();
  const peer = `https://127.0.0.1:${await freePort()}`;
  etcd = ProcessHandle.start('etcd', etcdBinary(), [
    '--name=tls',
    `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=https://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=https://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=tls=${peer}`,
    '--client-cert-auth',
    `--trusted-ca-file=${pki.etcd.caCertFile}`,
    `--cert-file=${files['etcd/server'].certFile}`,
    `--key-file=${files['etcd/server'].keyFile}`,
    '--peer-client-cert-auth',
    `--peer-trusted-ca-file=${pki.etcd.caCertFile}`,
    `--peer-cert-file=${files['etcd/peer'].certFile}`,
    `--peer-key-file=${files['etcd/peer'].keyFile}`,
    '--log-level=error',
  ]);
  await waitFor(async () => (await etcdHealth(files['etcd/healthcheck-client'])).status === 200, { timeoutMs: 20_000, what: 'etcd over TLS' });
});

afterAll(async () => {
  await apiserver?.stop();
  await etcd?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('etcd over TLS with client certificates', () => {
  it('stores and reads objects for an apiserver given --etcd-cafile, --etcd-certfile and --etcd-keyfile', async () => {
    const client = pki.etcd.certificates['apiserver-etcd-client'];
    apiserver = await TestApiserver.start({
      etcdEndpoint: `https://127.0.0.1:${clientPort}`,
      extraArgs: [`--etcd-cafile=${pki.etcd.caCertFile}`, `--etcd-certfile=${client.certFile}`, `--etcd-keyfile=${client.keyFile}`],
    });
    const created = await call(apiserver.url, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'over-tls' }, data: { a: '1' } });
    expect(created.status).toBe(201);
    const read = await call(apiserver.url, 'GET', '/api/v1/namespaces/default/configmaps/over-tls');
    expect(read.body.data).toEqual({ a: '1' });
  });

  it("lets in no client without a certificate from etcd's CA, not even one the cluster CA signed", async () => {
    await expect(etcdHealth()).rejects.toThrow();
    await expect(etcdHealth(pki.certificates.admin)).rejects.toThrow();
    expect((await etcdHealth(pki.etcd.certificates['etcd/healthcheck-client'])).status).toBe(200);
  });
});
