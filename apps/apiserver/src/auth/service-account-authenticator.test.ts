import crypto from 'node:crypto';
import type { KObject } from '@skiff/api';
import { parseSigningKey, parseVerificationKeys } from './service-account-keys';
import { ServiceAccountTokenAuthenticator, type ObjectGetter } from './service-account-authenticator';
import { serviceAccountClaims, ServiceAccountTokenSigner, ServiceAccountTokenVerifier, type TokenSubject } from './service-account-token';

const issuer = 'https://kubernetes.default.svc.cluster.local';
const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const signer = new ServiceAccountTokenSigner(parseSigningKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string));
const verifier = new ServiceAccountTokenVerifier({ keys: parseVerificationKeys(publicKey.export({ type: 'spki', format: 'pem' }) as string), issuers: [issuer], apiAudiences: [issuer] });

// The objects the apiserver holds, by resource/namespace/name; tests edit it to delete or replace one.
let objects: Map<string, KObject>;
const getter: ObjectGetter = async (resource, ns, name) => objects.get(`${resource}/${ns ?? ''}/${name}`);
const put = (resource: string, ns: string, name: string, uid: string, extra: Partial<KObject['metadata']> = {}) =>
  objects.set(`${resource}/${ns}/${name}`, { metadata: { name, namespace: ns || undefined, uid, ...extra } } as KObject);
const authenticator = new ServiceAccountTokenAuthenticator(verifier, getter);

const issue = (subject: TokenSubject) => signer.sign(serviceAccountClaims(subject, { issuer, audiences: [issuer], expirationSeconds: 600, jti: 'jti-1' }));
const account = { namespace: 'team', serviceAccount: { name: 'builder', uid: 'sa-1' } };

beforeEach(() => {
  objects = new Map();
  put('serviceaccounts', 'team', 'builder', 'sa-1');
  put('pods', 'team', 'web', 'pod-1');
  put('secrets', 'team', 'creds', 'secret-1');
  put('nodes', '', 'n1', 'node-1');
});

describe('ServiceAccountTokenAuthenticator', () => {
  it('makes a token its account, with the account uid, the service account groups and the credential id', async () => {
    expect(await authenticator.authenticate(await issue(account))).toEqual({
      ok: true,
      user: {
        name: 'system:serviceaccount:team:builder',
        uid: 'sa-1',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:team'],
        extra: { 'authentication.kubernetes.io/credential-id': ['JTI=jti-1'] },
      },
      audiences: [issuer],
    });
  });

  it('adds the bound pod and its node to extra', async () => {
    const result = await authenticator.authenticate(await issue({ ...account, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'n1', uid: 'node-1' } }));
    expect(result).toMatchObject({
      ok: true,
      user: {
        extra: {
          'authentication.kubernetes.io/pod-name': ['web'],
          'authentication.kubernetes.io/pod-uid': ['pod-1'],
          'authentication.kubernetes.io/node-name': ['n1'],
          'authentication.kubernetes.io/node-uid': ['node-1'],
        },
      },
    });
  });

  it('refuses the token of a deleted or recreated account', async () => {
    const token = await issue(account);
    put('serviceaccounts', 'team', 'builder', 'sa-2');
    expect(await authenticator.authenticate(token)).toEqual({ ok: false, reason: "service account team/builder UID (sa-2) does not match the token's claim (sa-1)" });
    objects.delete('serviceaccounts/team/builder');
    expect(await authenticator.authenticate(token)).toEqual({ ok: false, reason: 'service account team/builder not found: the token has been invalidated' });
  });

  it('refuses a token whose bound pod, secret or node is gone or replaced', async () => {
    const podToken = await issue({ ...account, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'n1', uid: 'node-1' } });
    const secretToken = await issue({ ...account, secret: { name: 'creds', uid: 'secret-1' } });
    const nodeToken = await issue({ ...account, node: { name: 'n1', uid: 'node-1' } });
    put('pods', 'team', 'web', 'pod-2');
    expect(await authenticator.authenticate(podToken)).toMatchObject({ ok: false, reason: expect.stringContaining('bound pod web UID (pod-2)') });
    objects.delete('secrets/team/creds');
    expect(await authenticator.authenticate(secretToken)).toMatchObject({ ok: false, reason: expect.stringContaining('bound secret creds not found') });
    objects.delete('nodes//n1');
    expect(await authenticator.authenticate(nodeToken)).toMatchObject({ ok: false, reason: expect.stringContaining('bound node n1 not found') });
  });

  it('keeps a pod-bound token working while its pod terminates, until a minute past its deletion time', async () => {
    const token = await issue({ ...account, pod: { name: 'web', uid: 'pod-1' } });
    put('pods', 'team', 'web', 'pod-1', { deletionTimestamp: new Date(Date.now() + 30_000).toISOString() });
    expect((await authenticator.authenticate(token))?.ok).toBe(true);
    put('pods', 'team', 'web', 'pod-1', { deletionTimestamp: new Date(Date.now() - 120_000).toISOString() });
    expect(await authenticator.authenticate(token)).toEqual({ ok: false, reason: 'bound pod web has been deleted' });
  });

  it('checks the audiences a TokenReview names instead of the API audiences, and answers those that match', async () => {
    const token = await signer.sign(serviceAccountClaims(account, { issuer, audiences: [issuer, 'vault'], expirationSeconds: 600 }));
    expect(await authenticator.authenticate(token, ['vault', 'other'])).toMatchObject({ ok: true, audiences: ['vault'] });
    expect(await authenticator.authenticate(token, ['other'])).toEqual({ ok: false, reason: `token audiences ["${issuer}","vault"] is invalid for the target audiences ["other"]` });
  });

  it('leaves tokens that are not ServiceAccount JWTs to other authenticators', async () => {
    expect(await authenticator.authenticate('abcdef.0123456789abcdef')).toBeUndefined();
  });
});
