import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etcdTlsFromFlags } from './etcd-tls-options';

describe('--etcd-cafile, --etcd-certfile, --etcd-keyfile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-etcd-flags-'));
  const pem = path.join(dir, 'x.pem');
  fs.writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is nothing without the flags, and the PEM texts with them', () => {
    expect(etcdTlsFromFlags({ etcdServers: ['http://127.0.0.1:2379'] })).toBeUndefined();
    const tls = etcdTlsFromFlags({ etcdServers: ['https://127.0.0.1:2379'], etcdCafile: pem, etcdCertfile: pem, etcdKeyfile: pem });
    expect(Object.keys(tls!).sort()).toEqual(['caPem', 'certPem', 'keyPem']);
    expect(etcdTlsFromFlags({ etcdServers: ['https://127.0.0.1:2379'], etcdCafile: pem })).toEqual({ caPem: fs.readFileSync(pem, 'utf8') });
  });

  it('refuses a certificate without its key, TLS for plain http servers, and missing or non-PEM files, in one line', () => {
    expect(() => etcdTlsFromFlags({ etcdServers: ['https://127.0.0.1:2379'], etcdCertfile: pem })).toThrow('--etcd-certfile and --etcd-keyfile go together');
    expect(() => etcdTlsFromFlags({ etcdServers: ['https://a:2379', 'http://b:2379'], etcdCafile: pem })).toThrow('--etcd-cafile, --etcd-certfile and --etcd-keyfile are for https:// etcd servers, and http://b:2379 is not one');
    expect(() => etcdTlsFromFlags({ etcdServers: ['https://a:2379'], etcdCafile: path.join(dir, 'none') })).toThrow(`--etcd-cafile ${path.join(dir, 'none')}: no such file`);
    fs.writeFileSync(path.join(dir, 'text'), 'hello');
    expect(() => etcdTlsFromFlags({ etcdServers: ['https://a:2379'], etcdCafile: path.join(dir, 'text') })).toThrow('not a PEM file');
  });
});
