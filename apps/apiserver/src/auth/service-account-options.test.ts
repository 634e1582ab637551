import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA } from '@skiff/pki';
import { serviceAccountTokensFromFlags } from './service-account-options';

let dir: string;
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const pair = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pkcs8 = (k: crypto.KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
const spki = (k: crypto.KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-options-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ServiceAccount flags', () => {
  it('are off without keys, and defaults issuer and audiences to Kubernetes\' when a key is given', () => {
    expect(serviceAccountTokensFromFlags({})).toBeUndefined();
    const k = pair();
    const config = serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: write('sa.key', pkcs8(k.privateKey)) })!;
    expect(config.issuers).toEqual(['https://kubernetes.default.svc.cluster.local']);
    expect(config.apiAudiences).toEqual(['https://kubernetes.default.svc.cluster.local']);
    // The signing key's public half verifies when no key file is given.
    expect(config.verificationKeys.map((v) => v.kid)).toEqual([config.signingKey!.kid]);
  });

  it('reads several key files, certificates among them, and accepts every issuer given', async () => {
    const ca = await ClusterCA.create();
    const k = pair();
    const config = serviceAccountTokensFromFlags({
      serviceAccountKeyFile: [write('a.pub', spki(k.publicKey)), write('ca.crt', ca.certPem)],
      serviceAccountSigningKeyFile: write('a.key', pkcs8(k.privateKey)),
      serviceAccountIssuer: ['https://new.example', 'https://old.example'],
      apiAudiences: 'api, vault',
      serviceAccountMaxTokenExpiration: 86400,
    })!;
    expect(config.verificationKeys).toHaveLength(2);
    expect(config.issuers).toEqual(['https://new.example', 'https://old.example']);
    expect(config.apiAudiences).toEqual(['api', 'vault']);
    expect(config.maxExpirationSeconds).toBe(86400);
    expect(config.extendedExpirationSeconds).toBe(365 * 24 * 3600);
    const long = serviceAccountTokensFromFlags({ serviceAccountKeyFile: [path.join(dir, 'a.pub')], serviceAccountMaxTokenExpiration: 2 * 365 * 24 * 3600 })!;
    expect(long.extendedExpirationSeconds).toBe(2 * 365 * 24 * 3600);
    expect(serviceAccountTokensFromFlags({ serviceAccountKeyFile: [path.join(dir, 'a.pub')], serviceAccountExtendTokenExpiration: false })!.extendedExpirationSeconds).toBeUndefined();
  });

  it('refuses bad combinations and unreadable keys with one line naming the flag', () => {
    const k = pair();
    const key = write('b.key', pkcs8(k.privateKey));
    expect(() => serviceAccountTokensFromFlags({ serviceAccountKeyFile: [path.join(dir, 'missing.pub')] })).toThrow(/^--service-account-key-file .*missing\.pub: no such file$/);
    expect(() => serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: write('junk', 'junk') })).toThrow(/^--service-account-signing-key-file .*junk: no PEM private key in it$/);
    expect(() => serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: key, serviceAccountKeyFile: [write('other.pub', spki(pair().publicKey))] })).toThrow(
      '--service-account-signing-key-file: its public key is not among the --service-account-key-file keys, so the tokens it signs would not authenticate',
    );
    expect(() => serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: key, serviceAccountMaxTokenExpiration: 600 })).toThrow('--service-account-max-token-expiration must be between 1 hour and 2^32 seconds');
    expect(() => serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: key, serviceAccountMaxTokenExpiration: 3600 })).toThrow(
      '--service-account-extend-token-expiration is true, so --service-account-max-token-expiration must be at least 3607 seconds (it is 3600); or give --service-account-extend-token-expiration=false',
    );
    expect(serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: key, serviceAccountMaxTokenExpiration: 3600, serviceAccountExtendTokenExpiration: false })!.maxExpirationSeconds).toBe(3600);
    expect(() => serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: key, serviceAccountIssuer: ['ftp://x'] })).toThrow('--service-account-issuer "ftp://x" must be an https URL or a string without \':\'');
    expect(() => serviceAccountTokensFromFlags({ serviceAccountSigningKeyFile: key, apiAudiences: ' , ' })).toThrow('--api-audiences must name at least one audience');
    expect(() => serviceAccountTokensFromFlags({ apiAudiences: 'api' })).toThrow('--api-audiences needs --service-account-signing-key-file or --service-account-key-file');
  });
});
