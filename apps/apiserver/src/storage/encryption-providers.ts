import crypto from 'node:crypto';
import type { AesProviderType, EncryptionKey, ProviderConfig, ProviderType } from './encryption-config';

/**
 * The providers of encryption at rest, with Kubernetes' stored layouts so that a Kubernetes apiserver given
 * the same keys reads what Skiff wrote, and the other way round:
 *   aescbc:   `k8s:enc:aescbc:v1:<key>:` IV(16) ‖ AES-CBC ciphertext with PKCS#7 padding
 *   aesgcm:   `k8s:enc:aesgcm:v1:<key>:` nonce(12) ‖ AES-GCM ciphertext ‖ tag(16), the etcd key as authenticated data
 *   identity: the value as is (and refuses values that carry the `k8s:enc:` mark)
 */

/** A value this configuration cannot read; the message says why. */
export class TransformError extends Error {
  override name = 'TransformError';
}

export const encryptedMark = 'k8s:enc:';

export interface OpenResult {
  value: Buffer;
  /** Read with a key other than the provider's first: writing the value again moves it to the current key. */
  stale: boolean;
}

export interface Provider {
  readonly type: ProviderType;
  /** What stored values of this provider start with; '' for identity. */
  readonly prefix: string;
  /** The stored form of `plain`, prefix included. `aad` binds the value to where it is stored. */
  seal(plain: Buffer, aad: Buffer): Buffer;
  /** Reads a stored value whose prefix has been removed. */
  open(body: Buffer, aad: Buffer): OpenResult;
}

export const identityProvider: Provider = {
  type: 'identity',
  prefix: '',
  seal: (plain) => plain,
  open: (body) => {
    if (body.subarray(0, encryptedMark.length).toString() === encryptedMark) throw new TransformError('identity transformer tried to read encrypted data');
    return { value: body, stale: false };
  },
};

const blockSize = 16;
const nonceSize = 12;
const tagSize = 16;

/** One AES cipher mode with one key. */
interface AesCipher {
  seal(plain: Buffer, aad: Buffer): Buffer;
  open(data: Buffer, aad: Buffer): Buffer;
}

function cbc(key: Buffer): AesCipher {
  const algorithm = `aes-${key.length * 8}-cbc`;
  return {
    seal(plain) {
      const iv = crypto.randomBytes(blockSize);
      const cipher = crypto.createCipheriv(algorithm, key, iv);
      return Buffer.concat([iv, cipher.update(plain), cipher.final()]);
    },
    // CBC has no authentication and Kubernetes gives it no authenticated data; only the padding is checked.
    open(data) {
      if (data.length < blockSize) throw new TransformError('the stored data was shorter than the required size');
      const body = data.subarray(blockSize);
      if (body.length === 0) throw new TransformError('invalid PKCS#7 data (empty or not padded)');
      if (body.length % blockSize !== 0) throw new TransformError('the stored data is not a multiple of the block size');
      const decipher = crypto.createDecipheriv(algorithm, key, data.subarray(0, blockSize));
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        throw new TransformError('invalid PKCS#7 padding: the key does not match or the data is corrupted');
      }
    },
  };
}

function gcm(key: Buffer): AesCipher {
  const algorithm = `aes-${key.length * 8}-gcm` as crypto.CipherGCMTypes;
  return {
    seal(plain, aad) {
      const nonce = crypto.randomBytes(nonceSize);
      const cipher = crypto.createCipheriv(algorithm, key, nonce, { authTagLength: tagSize });
      cipher.setAAD(aad);
      return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    open(data, aad) {
      if (data.length < nonceSize + tagSize) throw new TransformError('the stored data was shorter than the required size');
      const decipher = crypto.createDecipheriv(algorithm, key, data.subarray(0, nonceSize), { authTagLength: tagSize });
      decipher.setAAD(aad);
      decipher.setAuthTag(data.subarray(data.length - tagSize));
      try {
        return Buffer.concat([decipher.update(data.subarray(nonceSize, data.length - tagSize)), decipher.final()]);
      } catch {
        throw new TransformError('message authentication failed: the key does not match, the data is corrupted, or it was copied from another etcd key');
      }
    },
  };
}

/** aescbc or aesgcm with its named keys: the first key seals, every key opens what carries its name. */
class AesProvider implements Provider {
  readonly prefix: string;
  private readonly keys: { name: string; prefix: Buffer; cipher: AesCipher }[];

  constructor(
    readonly type: AesProviderType,
    keys: EncryptionKey[],
  ) {
    if (keys.length === 0) throw new Error(`the ${type} provider needs at least one key`);
    this.prefix = `${encryptedMark}${type}:v1:`;
    this.keys = keys.map((k) => ({ name: k.name, prefix: Buffer.from(k.name + ':'), cipher: type === 'aescbc' ? cbc(k.secret) : gcm(k.secret) }));
  }

  seal(plain: Buffer, aad: Buffer): Buffer {
    const first = this.keys[0];
    return Buffer.concat([Buffer.from(this.prefix), first.prefix, first.cipher.seal(plain, aad)]);
  }

  open(body: Buffer, aad: Buffer): OpenResult {
    const errors: string[] = [];
    // Names may share a prefix ("a" and "a:b"), so every matching key is tried, as Kubernetes does.
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i];
      if (!body.subarray(0, k.prefix.length).equals(k.prefix)) continue;
      try {
        return { value: k.cipher.open(body.subarray(k.prefix.length), aad), stale: i !== 0 };
      } catch (e) {
        errors.push(`${this.type} key "${k.name}": ${(e as Error).message}`);
      }
    }
    if (errors.length) throw new TransformError(errors.join('; '));
    const name = /^([^:]*):/.exec(body.subarray(0, 256).toString('latin1'))?.[1];
    throw new TransformError(
      `the value was encrypted with ${this.type} key ${name === undefined ? '(unreadable name)' : `"${name}"`}, which the encryption configuration does not list (${this.type} keys: ${this.keys.map((k) => k.name).join(', ')})`,
    );
  }
}

export function providerFor(config: ProviderConfig): Provider {
  return config.type === 'identity' ? identityProvider : new AesProvider(config.type, config.keys);
}
