import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCA } from '@skiff/pki';
import { kubeletServingFromFlags, type KubeletServingFlags } from './kubelet-serving-options';

let dir: string;
let files: { cert: string; key: string; ca: string; otherKey: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-serving-'));
  const ca = await ClusterCA.create();
  const serving = await ca.issueServing({ commonName: 'system:node:n', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const other = await ca.issueServing({ commonName: 'other', dnsNames: ['localhost'] });
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  files = { cert: write('kubelet.crt', serving.certPem), key: write('kubelet.key', serving.keyPem), ca: write('ca.crt', ca.certPem), otherKey: write('other.key', other.keyPem) };
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const flags = (f: Partial<KubeletServingFlags>): KubeletServingFlags => ({ authorizationMode: 'AlwaysAllow', authorizationWebhookCacheAuthorizedTtl: 300_000, authorizationWebhookCacheUnauthorizedTtl: 30_000, ...f });

describe('kubeletServingFromFlags', () => {
  it('is plain HTTP, everyone allowed, without a certificate', () => {
    expect(kubeletServingFromFlags(flags({}))).toEqual({
      anonymous: true,
      authorizationMode: 'AlwaysAllow',
      webhookAuthorizedTtlMs: 300_000,
      webhookUnauthorizedTtlMs: 30_000,
      tokenWebhook: false,
      tokenWebhookCacheTtlMs: 120_000,
    });
  });

  it('turns anonymous off by default once client certificates are verified', () => {
    const s = kubeletServingFromFlags(flags({ tlsCertFile: files.cert, tlsPrivateKeyFile: files.key, clientCaFile: files.ca, authorizationMode: 'Webhook' }));
    expect(s).toMatchObject({ anonymous: false, authorizationMode: 'Webhook', tls: { clientCaPem: expect.stringContaining('BEGIN CERTIFICATE') } });
    expect(kubeletServingFromFlags(flags({ tlsCertFile: files.cert, tlsPrivateKeyFile: files.key })).anonymous).toBe(true);
    expect(kubeletServingFromFlags(flags({ tlsCertFile: files.cert, tlsPrivateKeyFile: files.key, clientCaFile: files.ca, anonymousAuth: true })).anonymous).toBe(true);
  });

  it.each([
    [{ clientCaFile: '/x/ca.crt' }, /--client-ca-file needs HTTPS/],
    [{ authorizationMode: 'Webhook' }, /--authorization-mode=Webhook needs HTTPS/],
    [{ anonymousAuth: false }, /--anonymous-auth needs HTTPS/],
    [{ authenticationTokenWebhook: true }, /--authentication-token-webhook needs HTTPS/],
    [{ authorizationMode: 'RBAC' }, /unknown mode "RBAC"/],
    [{ tlsCertFile: '/nonexistent/k.crt' }, /go together/],
    [{ tlsCertFile: '/nonexistent/k.crt', tlsPrivateKeyFile: '/nonexistent/k.key' }, /--tls-cert-file \/nonexistent\/k.crt: no such file/],
  ])('refuses %o', (f, message) => {
    expect(() => kubeletServingFromFlags(flags(f as Partial<KubeletServingFlags>))).toThrow(message);
  });

  it('refuses a key that does not belong to the certificate', () => {
    expect(() => kubeletServingFromFlags(flags({ tlsCertFile: files.cert, tlsPrivateKeyFile: files.otherKey }))).toThrow(/--tls-cert-file, --tls-private-key-file/);
  });
});
