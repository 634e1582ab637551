import { readFileSync } from 'node:fs';
import { ClusterCA } from '@skiff/pki';
import { UsageError } from './options';

function read(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * The CA csrsigning signs with, from --cluster-signing-cert-file and --cluster-signing-key-file: both or neither;
 * the certificate must be a CA and the key its own, checked now rather than at the first request.
 */
export async function readClusterSigningCA(certFile: string | undefined, keyFile: string | undefined): Promise<ClusterCA | undefined> {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--cluster-signing-cert-file and --cluster-signing-key-file go together');
  const certPem = read('--cluster-signing-cert-file', certFile);
  const keyPem = read('--cluster-signing-key-file', keyFile);
  try {
    return await ClusterCA.fromPem(certPem, keyPem);
  } catch (e) {
    throw new UsageError(`--cluster-signing-cert-file/--cluster-signing-key-file: ${(e as Error).message}`);
  }
}
