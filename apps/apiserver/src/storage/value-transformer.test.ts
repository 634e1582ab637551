import { builtinScheme } from '@skiff/api';
import { parseEncryptionConfig, type ProviderConfig } from './encryption-config';
import { TransformError } from './encryption-providers';
import { EncryptionAtRest, ProviderChain } from './value-transformer';

const key1 = Buffer.alloc(32, 1);
const key2 = Buffer.alloc(32, 2);
const aad = Buffer.from('/registry/secrets/default/db');
const plain = Buffer.from('{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}');

const identity: ProviderConfig = { type: 'identity' };
const cbc1: ProviderConfig = { type: 'aescbc', keys: [{ name: 'key1', secret: key1 }] };
const gcm2: ProviderConfig = { type: 'aesgcm', keys: [{ name: 'key2', secret: key2 }] };
const chain = (...providers: ProviderConfig[]) => new ProviderChain(providers, 'secrets');

describe('ProviderChain', () => {
  it('encrypts with the first provider and reads what it wrote as current', () => {
    const c = chain(cbc1, identity);
    const s = c.seal(plain, aad);
    expect(s.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    expect(s.includes(Buffer.from('aHVudGVyMg=='))).toBe(false);
    expect(c.open(s, aad)).toEqual({ value: plain, stale: false });
  });

  it('reads unencrypted values through a later identity provider, marking them stale so a write encrypts them', () => {
    expect(chain(cbc1, identity).open(plain, aad)).toEqual({ value: plain, stale: true });
  });

  it('after rotation writes with the new first provider and still reads the old one, as stale', () => {
    const oldValue = chain(cbc1, identity).seal(plain, aad);
    const rotated = chain(gcm2, cbc1, identity);
    expect(rotated.seal(plain, aad).subarray(0, 23).toString()).toBe('k8s:enc:aesgcm:v1:key2:');
    expect(rotated.open(oldValue, aad)).toEqual({ value: plain, stale: true });
  });

  it('with identity first writes plain text and still decrypts older values (turning encryption off)', () => {
    const encrypted = chain(cbc1).seal(plain, aad);
    const off = chain(identity, cbc1);
    expect(off.seal(plain, aad)).toEqual(plain);
    expect(off.open(encrypted, aad)).toEqual({ value: plain, stale: true });
  });

  it('tries a later provider of the same type when an earlier one fails', () => {
    const underKey1 = chain(cbc1).seal(plain, aad);
    const otherKey1: ProviderConfig = { type: 'aescbc', keys: [{ name: 'key1', secret: key2 }] };
    expect(chain(otherKey1, cbc1).open(underKey1, aad)).toEqual({ value: plain, stale: true });
  });

  it('names the provider and key of a value the configuration cannot read', () => {
    const underKey1 = chain(cbc1).seal(plain, aad);
    expect(() => chain(gcm2).open(underKey1, aad)).toThrow(
      'the value was encrypted by provider aescbc (v1) with key "key1", which the encryption configuration for secrets does not list (providers: aesgcm)',
    );
    expect(() => chain(gcm2, identity).open(underKey1, aad)).toThrow(/aescbc \(v1\) with key "key1"/);
  });

  it('refuses unencrypted values when identity is not listed, as Kubernetes does', () => {
    expect(() => chain(cbc1).open(plain, aad)).toThrow(TransformError);
    expect(() => chain(cbc1).open(plain, aad)).toThrow(/not encrypted.*identity/);
  });

  it('reports the decryption failure of a value whose key is listed but does not match', () => {
    const underKey2 = chain(gcm2).seal(plain, aad);
    const wrong: ProviderConfig = { type: 'aesgcm', keys: [{ name: 'key2', secret: key1 }] };
    expect(() => chain(wrong, identity).open(underKey2, aad)).toThrow(/^aesgcm key "key2": message authentication failed/);
  });
});

describe('EncryptionAtRest', () => {
  const config = (yaml: string) => new EncryptionAtRest(parseEncryptionConfig(`apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n${yaml}`), builtinScheme.all);
  const s1 = key1.toString('base64');
  const s2 = key2.toString('base64');
  const encrypted = (t: EncryptionAtRest, key: string) => t.toStorage(key, plain).subarray(0, 8).toString() === 'k8s:enc:';

  it('encrypts only the resources listed, found by etcd key', () => {
    const t = config(`resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: key1, secret: ${s1}}]}\n  - identity: {}\n`);
    expect(t.coveredPrefixes).toEqual(['/registry/secrets/']);
    expect(encrypted(t, '/registry/secrets/default/db')).toBe(true);
    for (const key of ['/registry/configmaps/default/db', '/registry/ranges/serviceips/10.96.0.1', '/registry/compact_rev_key']) {
      expect(t.toStorage(key, plain)).toBe(plain);
      expect(t.fromStorage(key, plain)).toEqual({ value: plain, stale: false });
    }
    const s = t.toStorage('/registry/secrets/default/db', plain);
    expect(t.fromStorage('/registry/secrets/default/db', s)).toEqual({ value: plain, stale: false });
  });

  it('binds aesgcm values to their etcd key', () => {
    const t = config(`resources:\n- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: key2, secret: ${s2}}]}\n`);
    const s = t.toStorage('/registry/secrets/default/db', plain);
    expect(() => t.fromStorage('/registry/secrets/default/other', s)).toThrow(/message authentication failed/);
  });

  it('resolves wildcards as Kubernetes does: an exact rule, then *.<group>, then *.*', () => {
    const t = config(
      `resources:\n- resources: [events]\n  providers: [{identity: {}}]\n- resources: ['*.apps']\n  providers: [{aesgcm: {keys: [{name: key2, secret: ${s2}}]}}]\n- resources: ['*.*']\n  providers: [{aescbc: {keys: [{name: key1, secret: ${s1}}]}}]\n`,
    );
    expect(encrypted(t, '/registry/events/default/e1')).toBe(false);
    expect(t.toStorage('/registry/deployments/default/web', plain).subarray(0, 15).toString()).toBe('k8s:enc:aesgcm:');
    expect(t.toStorage('/registry/secrets/default/db', plain).subarray(0, 15).toString()).toBe('k8s:enc:aescbc:');
    expect(t.toStorage('/registry/minions/node-1', plain).subarray(0, 15).toString()).toBe('k8s:enc:aescbc:');
    expect(t.toStorage('/registry/services/specs/default/web', plain).subarray(0, 15).toString()).toBe('k8s:enc:aescbc:');
  });

  it('covers every core resource with *. and nothing from other groups', () => {
    const t = config(`resources:\n- resources: ['*.']\n  providers: [{aescbc: {keys: [{name: key1, secret: ${s1}}]}}]\n`);
    expect(encrypted(t, '/registry/configmaps/default/c')).toBe(true);
    expect(encrypted(t, '/registry/deployments/default/web')).toBe(false);
  });
});
