import crypto from 'node:crypto';
import { openIDConfiguration, publicJWKS, servesIssuerDiscovery } from './issuer-discovery';
import { parseVerificationKeys } from './service-account-keys';
import type { ServiceAccountTokenConfig } from './service-account-options';

const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const pem = (k: crypto.KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;
const config: ServiceAccountTokenConfig = {
  issuers: ['https://kubernetes.default.svc.cluster.local'],
  apiAudiences: ['https://kubernetes.default.svc.cluster.local'],
  // The same EC key twice (say, sa.pub and the signing key's public half) is listed once.
  verificationKeys: parseVerificationKeys(pem(ec) + pem(rsa) + pem(ec)),
};

describe('ServiceAccount issuer discovery', () => {
  it('describes the issuer with its jwks_uri and the algorithms of its keys', () => {
    expect(openIDConfiguration(config, 'https://10.0.0.1:6443/openid/v1/jwks')).toEqual({
      issuer: 'https://kubernetes.default.svc.cluster.local',
      jwks_uri: 'https://10.0.0.1:6443/openid/v1/jwks',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    });
  });

  it('lists each key once as a signing JWK with its kid, which imports back to the same key', () => {
    const { keys } = publicJWKS(config);
    expect(keys.map((k) => [k.kty, k.alg, k.use, k.kid])).toEqual([
      ['EC', 'ES256', 'sig', config.verificationKeys[0].kid],
      ['RSA', 'RS256', 'sig', config.verificationKeys[1].kid],
    ]);
    expect(keys[0].crv).toBe('P-256');
    expect(keys.some((k) => 'd' in k)).toBe(false);
    const back = crypto.createPublicKey({ key: keys[1] as unknown as crypto.JsonWebKey, format: 'jwk' });
    expect(back.equals(rsa)).toBe(true);
  });

  it('is served only for https issuers', () => {
    expect(servesIssuerDiscovery(config)).toBe(true);
    expect(servesIssuerDiscovery({ ...config, issuers: ['kubernetes/serviceaccount'] })).toBe(false);
  });
});
