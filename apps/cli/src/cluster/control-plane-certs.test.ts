import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureClusterPki } from '@skiff/pki';
import { newCertificateKey, openWithKey, sealWithKey, sharedControlPlaneFiles } from './control-plane-certs';

describe('the keys shared with new control-plane machines', () => {
  const key = newCertificateKey();

  it('are sealed with AES-256-GCM under a 32-byte key, and open only with it', () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(newCertificateKey()).not.toBe(key);
    const plain = Buffer.from('-----BEGIN EC PRIVATE KEY-----\nsecret\n-----END EC PRIVATE KEY-----\n');
    const sealed = sealWithKey(plain, key);
    expect(sealed.includes(Buffer.from('secret'))).toBe(false);
    expect(sealWithKey(plain, key).equals(sealed)).toBe(false); // a fresh nonce each time
    expect(openWithKey(sealed, key)).toEqual(plain);
    expect(() => openWithKey(sealed, newCertificateKey())).toThrow('the certificate key does not open the shared control-plane certificates');
    const tampered = Buffer.from(sealed);
    tampered[20] ^= 1;
    expect(() => openWithKey(tampered, key)).toThrow('does not open');
    expect(() => openWithKey(Buffer.alloc(10), key)).toThrow('damaged');
    expect(() => sealWithKey(plain, 'abc')).toThrow('--certificate-key must be 64 hex digits');
  });

  it('are the two CAs and the ServiceAccount key pair, all files of the control plane\'s pki', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-shared-'));
    try {
      await ensureClusterPki(dir, { nodeName: 'cp-1' });
      for (const file of Object.values(sharedControlPlaneFiles)) expect(fs.existsSync(path.join(dir, file))).toBe(true);
      expect(Object.values(sharedControlPlaneFiles).sort()).toEqual(['ca.crt', 'ca.key', 'etcd/ca.crt', 'etcd/ca.key', 'sa.key', 'sa.pub']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
