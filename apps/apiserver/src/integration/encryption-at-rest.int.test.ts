import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { TestApiserver, TestEtcd, waitFor } from '@skiff/testing';
import { call, openWatch, readWatch } from './http';

jest.setTimeout(120_000);

const key1 = Buffer.alloc(32, 0x11).toString('base64');
const key2 = Buffer.alloc(32, 0x22).toString('base64');
const aescbcKey1 = `- aescbc:\n        keys: [{name: key1, secret: ${key1}}]`;
const aesgcmKey2 = `- aesgcm:\n        keys: [{name: key2, secret: ${key2}}]`;
const config = (...providers: string[]) =>
  `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n    ${providers.join('\n    ')}\n`;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string, password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { password: b64(password) } });
const secrets = '/api/v1/namespaces/default/secrets';

let dir: string;
let configFile: string;
let etcd: TestEtcd;
let raw: Etcd3;
let apiserver: TestApiserver | undefined;

/** Starts a fresh apiserver on the shared etcd, reading the configuration file when `encrypted`. */
async function startApiserver(encrypted: boolean): Promise<string> {
  await apiserver?.stop();
  apiserver = undefined;
  apiserver = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: encrypted ? [`--encryption-provider-config=${configFile}`] : [] });
  return apiserver.url;
}

/** The value etcd holds, as an etcdctl user would see it. */
async function stored(name: string): Promise<Buffer> {
  const v = await raw.get(`/registry/secrets/default/${name}`).buffer();
  if (!v) throw new Error(`no etcd value for secret ${name}`);
  return v;
}
const storedPrefix = async (name: string, length = 23) => (await stored(name)).subarray(0, length).toString('latin1');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-encryption-'));
  configFile = path.join(dir, 'encryption.yaml');
  etcd = await TestEtcd.start();
  raw = new Etcd3({ hosts: etcd.endpoint });
});

afterAll(async () => {
  raw?.close();
  await apiserver?.stop();
  await etcd?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('encryption at rest with --encryption-provider-config', () => {
  it('leaves Secrets as plain JSON while the flag is absent', async () => {
    const url = await startApiserver(false);
    expect((await call(url, 'POST', secrets, secret('before', 'written-in-the-clear'))).status).toBe(201);
    expect((await stored('before')).toString()).toContain(b64('written-in-the-clear'));
  });

  it('stores a new Secret as k8s:enc:aescbc:v1:key1: with neither its data nor its base64 readable in etcd', async () => {
    fs.writeFileSync(configFile, config(aescbcKey1, '- identity: {}'));
    const url = await startApiserver(true);
    expect((await call(url, 'POST', secrets, secret('db', 'correct-horse-battery-staple'))).status).toBe(201);
    expect((await call(url, 'POST', secrets, secret('left', 'kept-under-key1'))).status).toBe(201);
    const value = await stored('db');
    expect(value.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    for (const visible of ['correct-horse-battery-staple', b64('correct-horse-battery-staple'), '"Secret"', '"db"']) {
      expect(value.includes(Buffer.from(visible))).toBe(false);
    }
  });

  it('serves the Secret decrypted through get, both kinds of list and watch', async () => {
    const url = apiserver!.url;
    const got = await call(url, 'GET', `${secrets}/db`);
    expect(got.status).toBe(200);
    expect(got.body.data.password).toBe(b64('correct-horse-battery-staple'));

    const fromEtcd = await call(url, 'GET', secrets);
    expect(fromEtcd.body.items.find((s: any) => s.metadata.name === 'db').data.password).toBe(b64('correct-horse-battery-staple'));
    // The watch cache loaded the encrypted values through the same store; once it serves watches it answers
    // resourceVersion=0 lists too.
    const dbAdded = (evs: any[]) => evs.find((e) => e.type === 'ADDED' && e.object.metadata.name === 'db');
    let initial: any[] = [];
    await waitFor(async () => !!dbAdded((initial = await readWatch(url, `${secrets}?watch=1&resourceVersion=0`, (evs) => !!dbAdded(evs) || evs.some((e) => e.type === 'ERROR')))), {
      what: 'db in a watch from the cache',
    });
    expect(dbAdded(initial).object.data.password).toBe(b64('correct-horse-battery-staple'));
    const cached = await call(url, 'GET', `${secrets}?resourceVersion=0`);
    expect(cached.body.items.find((s: any) => s.metadata.name === 'db').data.password).toBe(b64('correct-horse-battery-staple'));

    // A change arrives through etcd's watch as ciphertext and must reach the client decrypted.
    const events = readWatch(url, `${secrets}?watch=1&resourceVersion=${got.body.metadata.resourceVersion}`, (evs) => evs.some((e) => e.type === 'MODIFIED'));
    const changed = { ...got.body, data: { password: b64('tr0ub4dor&3') } };
    expect((await call(url, 'PUT', `${secrets}/db`, changed)).status).toBe(200);
    expect((await events).find((e) => e.type === 'MODIFIED')).toMatchObject({ object: { metadata: { name: 'db' }, data: { password: b64('tr0ub4dor&3') } } });
    expect(await storedPrefix('db')).toBe('k8s:enc:aescbc:v1:key1:');
  });

  it('keeps resources the configuration does not name in plain JSON', async () => {
    const url = apiserver!.url;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { color: 'plain-blue-marker' } };
    expect((await call(url, 'POST', '/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    const value = (await raw.get('/registry/configmaps/default/settings').string()) ?? '';
    expect(value.startsWith('{')).toBe(true);
    expect(value).toContain('plain-blue-marker');
  });

  it('still reads a Secret written before encryption was turned on', async () => {
    const got = await call(apiserver!.url, 'GET', `${secrets}/before`);
    expect(got.status).toBe(200);
    expect(got.body.data.password).toBe(b64('written-in-the-clear'));
    expect((await stored('before')).subarray(0, 1).toString()).toBe('{');
  });

  it('after rotation to a new first provider reads old values, and a rewrite moves them to the new key', async () => {
    fs.writeFileSync(configFile, config(aesgcmKey2, aescbcKey1, '- identity: {}'));
    const url = await startApiserver(true);
    const db = await call(url, 'GET', `${secrets}/db`);
    expect(db.body.data.password).toBe(b64('tr0ub4dor&3'));
    expect(await storedPrefix('db')).toBe('k8s:enc:aescbc:v1:key1:');

    expect((await call(url, 'POST', secrets, secret('fresh', 'new-key-only'))).status).toBe(201);
    expect(await storedPrefix('fresh')).toBe('k8s:enc:aesgcm:v1:key2:');

    // `kubectl get secrets -o json | kubectl replace -f -`: an unchanged write still rewrites values under old keys.
    const replaced = await call(url, 'PUT', `${secrets}/db`, db.body);
    expect(replaced.status).toBe(200);
    expect(replaced.body.metadata.resourceVersion).not.toBe(db.body.metadata.resourceVersion);
    expect(await storedPrefix('db')).toBe('k8s:enc:aesgcm:v1:key2:');
    const before = await call(url, 'GET', `${secrets}/before`);
    expect((await call(url, 'PUT', `${secrets}/before`, before.body)).status).toBe(200);
    expect(await storedPrefix('before')).toBe('k8s:enc:aesgcm:v1:key2:');
    expect((await call(url, 'GET', `${secrets}/before`)).body.data.password).toBe(b64('written-in-the-clear'));

    // A value already under the current key is not rewritten by an unchanged write.
    const fresh = await call(url, 'GET', `${secrets}/fresh`);
    const again = await call(url, 'PUT', `${secrets}/fresh`, fresh.body);
    expect(again.body.metadata.resourceVersion).toBe(fresh.body.metadata.resourceVersion);
  });

  it('answers 500 naming the missing key for a value the configuration can no longer read, and keeps serving', async () => {
    fs.writeFileSync(configFile, config(aesgcmKey2));
    const url = await startApiserver(true);
    expect((await call(url, 'GET', `${secrets}/db`)).body.data.password).toBe(b64('tr0ub4dor&3'));

    const left = await call(url, 'GET', `${secrets}/left`);
    expect(left.status).toBe(500);
    expect(left.body).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect(left.body.message).toContain('unable to transform key "/registry/secrets/default/left"');
    expect(left.body.message).toContain('provider aescbc (v1) with key "key1"');

    const list = await call(url, 'GET', secrets);
    expect(list.status).toBe(500);
    expect(list.body.message).toContain('key "key1"');

    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(url, 'GET', `${secrets}/fresh`)).body.data.password).toBe(b64('new-key-only'));
    expect((await call(url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).body.data.color).toBe('plain-blue-marker');
  });

  it('survives an unreadable value arriving through the etcd watch, and recovers once it is deleted from etcd', async () => {
    const url = apiserver!.url;
    const cacheServes = async () =>
      (await readWatch(url, `${secrets}?watch=1&resourceVersion=0`, (evs) => evs.some((e) => e.type === 'ERROR' || e.object.metadata.name === 'fresh'))).some(
        (e) => e.type === 'ADDED' && e.object.metadata.name === 'fresh',
      );
    // Kubernetes' remedy for a value no listed key can read: delete it from etcd. The watch cache then loads.
    await raw.delete().key('/registry/secrets/default/left');
    await waitFor(cacheServes, { timeoutMs: 30_000, what: 'the secrets watch cache to serve' });

    const list = await call(url, 'GET', secrets);
    const watching = openWatch(url, `${secrets}?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`, (evs) => evs.some((e) => e.type === 'ERROR'));
    await watching.connected;
    await raw.put('/registry/secrets/default/alien').value(Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key9:'), Buffer.alloc(32, 9)]));
    // The cache's etcd watch ends on the value it cannot read, so its watchers are told to start again.
    expect((await watching.events).find((e) => e.type === 'ERROR')).toMatchObject({ object: { code: 410 } });
    const alien = await call(url, 'GET', `${secrets}/alien`);
    expect(alien.status).toBe(500);
    expect(alien.body.message).toContain('with key "key9"');
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(url, 'GET', `${secrets}/fresh`)).status).toBe(200);

    await raw.delete().key('/registry/secrets/default/alien');
    await waitFor(cacheServes, { timeoutMs: 30_000, what: 'the secrets watch cache to serve again' });
    expect((await call(url, 'GET', secrets)).status).toBe(200);
  });
});

describe('a bad --encryption-provider-config', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'skiff-apiserver.js');
  const run = (file: string) => spawnSync(process.execPath, [bin, `--encryption-provider-config=${file}`, '--port=0', '--etcd-servers=http://127.0.0.1:1'], { encoding: 'utf8', timeout: 30_000 });

  it.each([
    ['a file that does not exist', null, 'cannot read the encryption provider configuration: ENOENT'],
    ['a key of the wrong length', config('- aescbc:\n        keys: [{name: k, secret: c2hvcnQ=}]'), 'secret is not of the expected length, got 5'],
    ['an unsupported provider', config(`- secretbox:\n        keys: [{name: k, secret: ${key1}}]`), 'the secretbox provider is not supported'],
  ])('stops the apiserver with exit code 2 and one line for %s', (_what, text, reason) => {
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    if (text !== null) fs.writeFileSync(file, text);
    const r = run(file);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`skiff-apiserver: ${file}: `);
    expect(r.stderr).toContain(reason);
    expect(r.stderr).not.toContain(key1);
  });
});
