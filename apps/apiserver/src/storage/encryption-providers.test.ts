import crypto from 'node:crypto';
import { identityProvider, providerFor, TransformError, type Provider } from './encryption-providers';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const aad = Buffer.from('/registry/secrets/default/db');
const plain = Buffer.from('{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}');

const aes = (type: 'aescbc' | 'aesgcm', ...keys: [string, Buffer][]): Provider => providerFor({ type, keys: keys.map(([name, secret]) => ({ name, secret })) });
/** What the store keeps: the provider's prefix and its body. */
const stored = (p: Provider, value: Buffer) => {
  const s = p.seal(value, aad);
  expect(s.subarray(0, p.prefix.length).toString()).toBe(p.prefix);
  return { all: s, body: s.subarray(p.prefix.length) };
};

describe('aescbc', () => {
  it.each([16, 24, 32])('round-trips with a %i-byte key, with a fresh IV for every value', (size) => {
    const p = aes('aescbc', ['key1', crypto.randomBytes(size)]);
    const one = stored(p, plain);
    const two = stored(p, plain);
    expect(one.all.subarray(0, 'k8s:enc:aescbc:v1:key1:'.length).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    expect(one.all.equals(two.all)).toBe(false);
    expect(p.open(one.body, aad)).toEqual({ value: plain, stale: false });
  });

  it("stores Kubernetes' layout: the key name, a 16-byte IV, then the PKCS#7-padded ciphertext", () => {
    const p = aes('aescbc', ['key1', keyA]);
    const body = stored(p, plain).body.subarray('key1:'.length);
    expect(body.length).toBe(16 + (Math.floor(plain.length / 16) + 1) * 16);
    const d = crypto.createDecipheriv('aes-256-cbc', keyA, body.subarray(0, 16));
    expect(Buffer.concat([d.update(body.subarray(16)), d.final()])).toEqual(plain);
  });

  it('reads a value written elsewhere in that layout, and refuses it under a wrong key of the same name', () => {
    const iv = Buffer.alloc(16, 0);
    const c = crypto.createCipheriv('aes-256-cbc', keyA, iv);
    const body = Buffer.concat([Buffer.from('key1:'), iv, c.update('hello, world'), c.final()]);
    expect(aes('aescbc', ['key1', keyA]).open(body, aad).value.toString()).toBe('hello, world');
    expect(() => aes('aescbc', ['key1', keyB]).open(body, aad)).toThrow(/aescbc key "key1": invalid PKCS#7 padding/);
  });

  it('refuses truncated data', () => {
    const p = aes('aescbc', ['key1', keyA]);
    expect(() => p.open(Buffer.from('key1:short'), aad)).toThrow('the stored data was shorter than the required size');
    expect(() => p.open(Buffer.concat([Buffer.from('key1:'), Buffer.alloc(20)]), aad)).toThrow('not a multiple of the block size');
  });
});

describe('aesgcm', () => {
  it.each([16, 24, 32])('round-trips with a %i-byte key, with a fresh nonce for every value', (size) => {
    const p = aes('aesgcm', ['key1', crypto.randomBytes(size)]);
    const one = stored(p, plain);
    expect(one.all.subarray(0, 'k8s:enc:aesgcm:v1:key1:'.length).toString()).toBe('k8s:enc:aesgcm:v1:key1:');
    expect(one.all.equals(stored(p, plain).all)).toBe(false);
    expect(p.open(one.body, aad)).toEqual({ value: plain, stale: false });
  });

  it("stores Kubernetes' layout: a 12-byte nonce, the ciphertext and the 16-byte tag, with the etcd key authenticated", () => {
    const p = aes('aesgcm', ['key1', keyA]);
    const body = stored(p, plain).body.subarray('key1:'.length);
    expect(body.length).toBe(12 + plain.length + 16);
    const d = crypto.createDecipheriv('aes-256-gcm', keyA, body.subarray(0, 12));
    d.setAAD(aad);
    d.setAuthTag(body.subarray(body.length - 16));
    expect(Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()])).toEqual(plain);
  });

  it.each([
    ['the nonce', 'key1:'.length + 3],
    ['the ciphertext', 'key1:'.length + 20],
    ['the tag', -1],
  ])('detects a change to %s', (_what, at) => {
    const p = aes('aesgcm', ['key1', keyA]);
    const body = Buffer.from(stored(p, plain).body);
    const i = at < 0 ? body.length + at : at;
    body[i] ^= 0x01;
    expect(() => p.open(body, aad)).toThrow(/aesgcm key "key1": message authentication failed/);
  });

  it('refuses a value copied to another etcd key, and one opened with a wrong key of the same name', () => {
    const body = stored(aes('aesgcm', ['key1', keyA]), plain).body;
    expect(() => aes('aesgcm', ['key1', keyA]).open(body, Buffer.from('/registry/secrets/default/other'))).toThrow(TransformError);
    expect(() => aes('aesgcm', ['key1', keyB]).open(body, aad)).toThrow(/message authentication failed/);
  });

  it('refuses data too short to hold a nonce and a tag', () => {
    expect(() => aes('aesgcm', ['key1', keyA]).open(Buffer.from('key1:0123456789'), aad)).toThrow('shorter than the required size');
  });
});

describe('keys of one provider', () => {
  it.each(['aescbc', 'aesgcm'] as const)('%s seals with the first key and opens with any, marking values under later keys stale', (type) => {
    const before = aes(type, ['old', keyA]);
    const rotated = aes(type, ['new', keyB], ['old', keyA]);
    const oldBody = stored(before, plain).body;
    const newBody = stored(rotated, plain).body;
    expect(newBody.subarray(0, 4).toString()).toBe('new:');
    expect(rotated.open(oldBody, aad)).toEqual({ value: plain, stale: true });
    expect(rotated.open(newBody, aad)).toEqual({ value: plain, stale: false });
  });

  it('names the key a value was written with when the provider does not have it', () => {
    const body = stored(aes('aescbc', ['key0', keyA]), plain).body;
    expect(() => aes('aescbc', ['key1', keyA], ['key2', keyB]).open(body, aad)).toThrow(
      'the value was encrypted with aescbc key "key0", which the encryption configuration does not list (aescbc keys: key1, key2)',
    );
  });

  it('tries every key whose name matches, so names sharing a prefix both work', () => {
    const p = aes('aesgcm', ['a', keyA], ['a:b', keyB]);
    const underAB = stored(aes('aesgcm', ['a:b', keyB]), plain).body;
    expect(p.open(underAB, aad)).toEqual({ value: plain, stale: true });
  });
});

describe('identity', () => {
  it('stores values as they are and reads anything not marked as encrypted', () => {
    expect(identityProvider.seal(plain, aad)).toBe(plain);
    expect(identityProvider.open(plain, aad)).toEqual({ value: plain, stale: false });
  });

  it('refuses encrypted data instead of handing ciphertext to the decoder', () => {
    expect(() => identityProvider.open(Buffer.from('k8s:enc:aescbc:v1:key1:xxxx'), aad)).toThrow('identity transformer tried to read encrypted data');
  });
});
