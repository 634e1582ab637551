import * as crypto from 'node:crypto';
import { PkiError } from './errors';
import { subtle, type CryptoKey, type CryptoKeyPair } from './x509';

/** A key pair usable for signing, with the WebCrypto algorithm its signatures use. */
export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Parameters for WebCrypto sign() and for @peculiar/x509's signingAlgorithm. */
  signingAlgorithm: EcdsaSigning | RsaSigning;
  /** The private key as PEM PKCS#8. */
  privateKeyPem: string;
}

interface EcdsaSigning {
  name: 'ECDSA';
  hash: 'SHA-256' | 'SHA-384';
}
interface RsaSigning {
  name: 'RSASSA-PKCS1-v1_5';
  hash: 'SHA-256';
}

const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A fresh ECDSA P-256 key pair: what every key Skiff makes is, since WebCrypto makes one in about a millisecond. */
export async function generateSigningKey(): Promise<SigningKey> {
  const pair = (await subtle.generateKey(ecdsaP256, true, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    privateKeyPem: crypto.KeyObject.from(pair.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/**
 * Reads a PEM private key of any common encoding (PKCS#8, SEC1 "EC PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY"), so a
 * CA made by other tools can be supplied. EC keys on P-256/P-384 and RSA keys are accepted.
 */
export async function importSigningKey(pem: string, what: string): Promise<SigningKey> {
  let keyObject: crypto.KeyObject;
  try {
    keyObject = crypto.createPrivateKey(pem);
  } catch (err) {
    throw new PkiError(`${what} is not a readable PEM private key: ${(err as Error).message}`);
  }
  const { importParams, signingAlgorithm } = algorithmOf(keyObject, what);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const spki = crypto.createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  return {
    privateKey: await subtle.importKey('pkcs8', pkcs8, importParams, true, ['sign']),
    publicKey: await subtle.importKey('spki', spki, importParams, true, ['verify']),
    signingAlgorithm,
    privateKeyPem: keyObject.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** The public half of a PEM private key as DER SubjectPublicKeyInfo, to compare with a certificate's key. */
export function publicKeyDerOf(privateKeyPem: string): Buffer {
  return crypto.createPublicKey(crypto.createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
}

/** The public half of a PEM private key as PEM SubjectPublicKeyInfo ("PUBLIC KEY"). */
export function publicKeyPemOf(privateKeyPem: string): string {
  return crypto.createPublicKey(crypto.createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }) as string;
}

function algorithmOf(key: crypto.KeyObject, what: string): { importParams: EcKeyImportParams | RsaHashedImportParams; signingAlgorithm: EcdsaSigning | RsaSigning } {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { importParams: ecdsaP256, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } };
    if (curve === 'secp384r1') return { importParams: { name: 'ECDSA', namedCurve: 'P-384' }, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' } };
    throw new PkiError(`${what} is an EC key on curve ${curve ?? 'unknown'}; only P-256 and P-384 are supported`);
  }
  if (key.asymmetricKeyType === 'rsa') {
    return { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
  }
  throw new PkiError(`${what} is a ${key.asymmetricKeyType ?? 'unknown'} key; only EC (P-256, P-384) and RSA keys are supported`);
}

interface EcKeyImportParams {
  name: 'ECDSA';
  namedCurve: 'P-256' | 'P-384';
}
interface RsaHashedImportParams {
  name: 'RSASSA-PKCS1-v1_5';
  hash: 'SHA-256';
}
