import crypto from 'node:crypto';
import { keyIdOf, parseSigningKey, parseVerificationKeys, type SigningKey } from './service-account-keys';
import { serviceAccountClaims, ServiceAccountTokenSigner, ServiceAccountTokenVerifier, type TokenSubject } from './service-account-token';

const issuer = 'https://kubernetes.default.svc.cluster.local';
const pem = (k: crypto.KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }) as string;

function ecKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privatePem: pem(privateKey, 'pkcs8'), publicPem: pem(publicKey, 'spki') };
}

const subject: TokenSubject = { namespace: 'team-a', serviceAccount: { name: 'builder', uid: 'sa-uid' }, pod: { name: 'web-0', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } };
const start = new Date('2026-01-01T00:00:00Z');

function segments(token: string) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

describe('ServiceAccount keys', () => {
  it('reads public and private keys, several to a file, with the alg their type implies', () => {
    const ec = ecKeyPair();
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys = parseVerificationKeys(`${ec.publicPem}\n${pem(rsa.privateKey, 'pkcs8')}`);
    expect(keys.map((k) => k.alg)).toEqual(['ES256', 'RS256']);
    expect(keys[0].kid).toBe(parseSigningKey(ec.privatePem).kid);
    expect(keys[1].kid).toBe(keyIdOf(rsa.publicKey));
  });

  it('derives the key id Kubernetes does: base64url(sha256(DER SPKI)) without padding', () => {
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const expected = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(keyIdOf(publicKey)).toBe(expected);
  });

  it('refuses files with no key, a broken block, an Ed25519 key, or two signing keys', () => {
    expect(() => parseVerificationKeys('hello')).toThrow('no PEM public key, private key or certificate in it');
    expect(() => parseVerificationKeys('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrow(/PEM block 1 \(PUBLIC KEY\) is not readable/);
    const ed = crypto.generateKeyPairSync('ed25519');
    expect(() => parseSigningKey(pem(ed.privateKey, 'pkcs8'))).toThrow('ed25519 keys are not supported (RSA or ECDSA)');
    expect(() => parseSigningKey(ecKeyPair().privatePem + ecKeyPair().privatePem)).toThrow('more than one private key in it');
    expect(() => parseSigningKey(ecKeyPair().publicPem)).toThrow('no PEM private key in it');
  });
});

describe('ServiceAccount tokens', () => {
  let key: SigningKey;
  let signer: ServiceAccountTokenSigner;
  let verifier: ServiceAccountTokenVerifier;
  let now: Date;

  beforeEach(() => {
    const pair = ecKeyPair();
    key = parseSigningKey(pair.privatePem);
    signer = new ServiceAccountTokenSigner(key);
    now = start;
    verifier = new ServiceAccountTokenVerifier({ keys: parseVerificationKeys(pair.publicPem), issuers: [issuer], apiAudiences: [issuer], now: () => now });
  });

  const claims = (over: Partial<Parameters<typeof serviceAccountClaims>[1]> = {}) =>
    serviceAccountClaims(subject, { issuer, audiences: [issuer], expirationSeconds: 3600, now: start, ...over });

  it('carries Kubernetes\' claims and a kid header', async () => {
    const token = await signer.sign(claims({ jti: 'j-1' }));
    const { header, payload } = segments(token);
    expect(header).toEqual({ alg: 'ES256', kid: key.kid });
    const t = start.getTime() / 1000;
    expect(payload).toEqual({
      aud: [issuer],
      exp: t + 3600,
      iat: t,
      iss: issuer,
      jti: 'j-1',
      nbf: t,
      sub: 'system:serviceaccount:team-a:builder',
      'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'builder', uid: 'sa-uid' }, pod: { name: 'web-0', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } },
    });
    expect(serviceAccountClaims(subject, { issuer, audiences: [issuer], expirationSeconds: 600 }).jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('verifies its own tokens, signed with RSA too', async () => {
    expect(await verifier.verify(await signer.sign(claims()))).toMatchObject({ ok: true, claims: { sub: 'system:serviceaccount:team-a:builder' } });
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaSigner = new ServiceAccountTokenSigner(parseSigningKey(pem(rsa.privateKey, 'pkcs8')));
    const both = new ServiceAccountTokenVerifier({ keys: parseVerificationKeys(pem(rsa.publicKey, 'spki')), issuers: [issuer], apiAudiences: [issuer], now: () => now });
    const token = await rsaSigner.sign(claims());
    expect(segments(token).header.alg).toBe('RS256');
    expect((await both.verify(token))?.ok).toBe(true);
  });

  it('refuses a token signed by another key, or with a changed payload', async () => {
    const other = new ServiceAccountTokenSigner(parseSigningKey(ecKeyPair().privatePem));
    expect(await verifier.verify(await other.sign(claims()))).toEqual({ ok: false, reason: 'invalid signature' });
    const [h, , s] = (await signer.sign(claims())).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims(), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    expect(await verifier.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'invalid signature' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    expect(await verifier.verify(unsigned)).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('refuses expired and not-yet-valid tokens, allowing a minute of clock skew', async () => {
    const token = await signer.sign(claims({ expirationSeconds: 600 }));
    now = new Date(start.getTime() + 659_000);
    expect((await verifier.verify(token))?.ok).toBe(true);
    now = new Date(start.getTime() + 661_000);
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'service account token has expired' });
    now = new Date(start.getTime() - 120_000);
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'service account token is not valid yet' });
  });

  it('refuses a token for other audiences, and leaves other issuers and non-JWTs to other authenticators', async () => {
    expect(await verifier.verify(await signer.sign(claims({ audiences: ['vault'] })))).toEqual({
      ok: false,
      reason: `token audiences ["vault"] is invalid for the target audiences ["${issuer}"]`,
    });
    expect(await verifier.verify(await signer.sign(claims({ issuer: 'https://elsewhere' })))).toBeUndefined();
    expect(await verifier.verify('abcdef.0123456789abcdef')).toBeUndefined();
    expect(await verifier.verify('a.b.c')).toBeUndefined();
  });

  it('refuses a signed token whose subject does not match its kubernetes.io claim', async () => {
    const c = claims();
    expect(await verifier.verify(await signer.sign({ ...c, sub: 'system:serviceaccount:kube-system:admin' }))).toEqual({
      ok: false,
      reason: 'service account token subject does not match its kubernetes.io claim',
    });
  });
});
