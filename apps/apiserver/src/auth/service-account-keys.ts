import crypto from 'node:crypto';
import { readFlagFile } from '@skiff/pki';

/** The JWS algorithms ServiceAccount tokens are signed with; the key's type decides which. */
export type TokenAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

/** A public key that verifies tokens, with the algorithm it verifies and the key id tokens carry in `kid`. */
export interface VerificationKey {
  key: crypto.KeyObject;
  alg: TokenAlgorithm;
  kid: string;
}

/** The private key TokenRequest tokens are signed with. */
export interface SigningKey {
  key: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  alg: TokenAlgorithm;
  kid: string;
}

const curveAlgorithms: Record<string, TokenAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** RS256 for RSA keys, ES256/384/512 for the NIST curves; other key types cannot sign ServiceAccount tokens. */
export function algorithmOf(key: crypto.KeyObject): TokenAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const alg = curveAlgorithms[curve];
    if (alg) return alg;
    throw new Error(`EC keys on curve ${curve || 'unknown'} are not supported (P-256, P-384 or P-521)`);
  }
  throw new Error(`${key.asymmetricKeyType ?? 'unknown'} keys are not supported (RSA or ECDSA)`);
}

/** Kubernetes' key id: base64url of the SHA-256 of the public key's DER SubjectPublicKeyInfo. */
export function keyIdOf(publicKey: crypto.KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64url');
}

function pemBlocks(text: string): { label: string; pem: string }[] {
  const blocks: { label: string; pem: string }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push({ label: m[1], pem: m[0] });
  return blocks;
}

function publicKeyOfBlock(label: string, pem: string): crypto.KeyObject {
  if (label === 'CERTIFICATE') return new crypto.X509Certificate(pem).publicKey;
  if (label.endsWith('PRIVATE KEY')) return crypto.createPublicKey(crypto.createPrivateKey(pem));
  return crypto.createPublicKey(pem);
}

/**
 * The verification keys in a PEM text, as `--service-account-key-file` takes them: public keys, private keys
 * (their public half) and certificates, any number of each. Throws when there is none or one is unreadable.
 */
export function parseVerificationKeys(text: string): VerificationKey[] {
  const blocks = pemBlocks(text).filter((b) => b.label !== 'EC PARAMETERS');
  if (!blocks.length) throw new Error('no PEM public key, private key or certificate in it');
  return blocks.map(({ label, pem }, i) => {
    let key: crypto.KeyObject;
    try {
      key = publicKeyOfBlock(label, pem);
    } catch (e) {
      throw new Error(`PEM block ${i + 1} (${label}) is not readable: ${(e as Error).message}`);
    }
    return { key, alg: algorithmOf(key), kid: keyIdOf(key) };
  });
}

/** The signing key in a PEM text, as `--service-account-signing-key-file` takes it: one RSA or ECDSA private key. */
export function parseSigningKey(text: string): SigningKey {
  const blocks = pemBlocks(text).filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (blocks.length !== 1) throw new Error(blocks.length ? 'more than one private key in it' : 'no PEM private key in it');
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(blocks[0].pem);
  } catch (e) {
    throw new Error(`the private key is not readable: ${(e as Error).message}`);
  }
  const publicKey = crypto.createPublicKey(key);
  return { key, publicKey, alg: algorithmOf(key), kid: keyIdOf(publicKey) };
}


/** Reads every `--service-account-key-file`; errors name the flag and file. */
export function loadVerificationKeys(files: readonly string[]): VerificationKey[] {
  return files.flatMap((file) => {
    const text = readFlagFile(file, '--service-account-key-file');
    try {
      return parseVerificationKeys(text);
    } catch (e) {
      throw new Error(`--service-account-key-file ${file}: ${(e as Error).message}`);
    }
  });
}

/** Reads `--service-account-signing-key-file`; errors name the flag and file. */
export function loadSigningKey(file: string): SigningKey {
  const text = readFlagFile(file, '--service-account-signing-key-file');
  try {
    return parseSigningKey(text);
  } catch (e) {
    throw new Error(`--service-account-signing-key-file ${file}: ${(e as Error).message}`);
  }
}
