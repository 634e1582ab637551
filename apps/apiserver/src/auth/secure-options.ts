import tls from 'node:tls';
import { loadTokenFile } from './token-file';
import { serviceAccountFlagsGiven, serviceAccountTokensFromFlags, type ServiceAccountFlags } from './service-account-options';
import { readPemFlagFile } from '@skiff/pki';
import type { AuthorizationMode, SecureServingConfig } from './secure-serving';

/** The secure-serving flags as commander parsed them. */
export interface SecureFlags extends ServiceAccountFlags {
  bindAddress: string;
  /** Whether the plain port will be served. */
  plainPort: boolean;
  securePort?: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  tokenAuthFile?: string;
  anonymousAuth: boolean;
  authorizationMode: string;
  enableBootstrapTokenAuth?: boolean;
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * Checks the flag combination and reads the files it names. Throws an Error whose message is the one line to
 * print (the caller exits 2); returns undefined when no secure port is asked for.
 */
export function secureServingFromFlags(f: SecureFlags): SecureServingConfig | undefined {
  if (f.plainPort && !isLoopback(f.bindAddress)) {
    throw new Error(`--port serves without authentication or authorization and binds only a loopback address, not ${f.bindAddress}; use --secure-port`);
  }
  const mode = authorizationMode(f.authorizationMode);
  if (f.securePort === undefined) {
    const needing = [
      f.tlsCertFile !== undefined && '--tls-cert-file',
      f.tlsPrivateKeyFile !== undefined && '--tls-private-key-file',
      f.clientCaFile !== undefined && '--client-ca-file',
      f.tokenAuthFile !== undefined && '--token-auth-file',
      !f.anonymousAuth && '--anonymous-auth=false',
      mode !== 'AlwaysAllow' && `--authorization-mode=${mode}`,
      ...serviceAccountFlagsGiven(f),
      f.enableBootstrapTokenAuth && '--enable-bootstrap-token-auth',
    ].filter(Boolean);
    if (needing.length) throw new Error(`${needing.join(', ')} applies to the secure port: give --secure-port too`);
    return undefined;
  }
  if (f.tlsCertFile === undefined || f.tlsPrivateKeyFile === undefined) throw new Error('--secure-port needs --tls-cert-file and --tls-private-key-file');
  let tokens: SecureServingConfig['tokens'];
  if (f.tokenAuthFile !== undefined) {
    try {
      tokens = loadTokenFile(f.tokenAuthFile);
    } catch (e) {
      throw new Error(`--token-auth-file ${f.tokenAuthFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  const config: SecureServingConfig = {
    port: f.securePort,
    certPem: readPemFlagFile(f.tlsCertFile, '--tls-cert-file'),
    keyPem: readPemFlagFile(f.tlsPrivateKeyFile, '--tls-private-key-file'),
    clientCaPem: f.clientCaFile !== undefined ? readPemFlagFile(f.clientCaFile, '--client-ca-file') : undefined,
    tokens,
    anonymous: f.anonymousAuth,
    authorizationMode: mode,
    serviceAccounts: serviceAccountTokensFromFlags(f),
    bootstrapTokens: f.enableBootstrapTokenAuth === true,
  };
  try {
    // A key that does not match the certificate, or an unreadable PEM, is found here rather than at listen time.
    tls.createSecureContext({ cert: config.certPem, key: config.keyPem, ca: config.clientCaPem });
  } catch (e) {
    throw new Error(`--tls-cert-file, --tls-private-key-file, --client-ca-file: ${(e as Error).message}`);
  }
  return config;
}

// Kubernetes takes a comma-separated chain; of its modes, these exist here so far. Node decides for kubelets and
// passes everything it has no opinion on along, so it comes before RBAC.
function authorizationMode(value: string): AuthorizationMode {
  const modes = value.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of modes) if (m !== 'AlwaysAllow' && m !== 'RBAC' && m !== 'Node') throw new Error(`--authorization-mode: unknown or unsupported mode "${m}" (supported: AlwaysAllow, RBAC, Node,RBAC)`);
  const chain = modes.join(',');
  if (chain === 'AlwaysAllow' || chain === 'RBAC' || chain === 'Node,RBAC') return chain;
  if (chain === 'RBAC,Node') throw new Error('--authorization-mode: Node must come before RBAC (--authorization-mode=Node,RBAC)');
  if (chain === 'Node') throw new Error('--authorization-mode: Node authorizes only kubelets; give --authorization-mode=Node,RBAC');
  throw new Error('--authorization-mode takes one of AlwaysAllow, RBAC, Node,RBAC');
}
