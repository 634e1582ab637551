import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { csrSigningControllerName, rootCACertPublisherName } from '@skiff/controllers';
import { UsageError } from './options';

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads `--root-ca-file`: one or more PEM certificates, each of which must parse, as kube-controller-manager
 * refuses a file it cannot parse rather than publish garbage to every namespace.
 */
export function readRootCAFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--root-ca-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const blocks = text.match(pemCertificate) ?? [];
  if (blocks.length === 0) throw new UsageError(`--root-ca-file: ${path} holds no PEM certificate`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw new UsageError(`--root-ca-file: certificate ${i + 1} in ${path} does not parse: ${(e as Error).message}`);
    }
  });
  return text;
}

/**
 * The root CA publisher and the CSR signer are in `*` but have nothing to work with without their CA files; like
 * Kubernetes' controllers that lack their key or CA, they are then left out with one log line each instead of
 * failing the controller-manager.
 */
export function withoutUnconfiguredControllers(
  controllers: readonly string[],
  rootCA: string | undefined,
  logger: { info(message: string, meta: Record<string, unknown>): unknown },
  signingCAGiven = false,
): string[] {
  const missing: [string, boolean, string][] = [
    [rootCACertPublisherName, !!rootCA, 'no --root-ca-file given'],
    [csrSigningControllerName, signingCAGiven, 'no --cluster-signing-cert-file and --cluster-signing-key-file given'],
  ];
  let selected = [...controllers];
  for (const [name, configured, why] of missing) {
    if (configured || !selected.includes(name)) continue;
    logger.info(`controller is disabled: ${why}`, { controller: name });
    selected = selected.filter((c) => c !== name);
  }
  return selected;
}
