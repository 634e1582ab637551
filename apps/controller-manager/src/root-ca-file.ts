import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { rootCACertPublisherName } from '@skiff/controllers';
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
 * The root CA publisher is in `*` but has nothing to publish without a CA file; like Kubernetes' controllers that
 * lack their key or CA, it is then left out with one log line instead of failing the controller-manager.
 */
export function withoutUnconfiguredControllers(controllers: readonly string[], rootCA: string | undefined, logger: { info(message: string, meta: Record<string, unknown>): unknown }): string[] {
  if (rootCA || !controllers.includes(rootCACertPublisherName)) return [...controllers];
  logger.info('controller is disabled: no --root-ca-file given', { controller: rootCACertPublisherName });
  return controllers.filter((c) => c !== rootCACertPublisherName);
}
