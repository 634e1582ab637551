import {
  certificatesigningrequests,
  csrConditionTypes,
  formatTime,
  isApproved,
  hasFailed,
  parseCertificateRequest,
  requestPem,
  type CertificateSigningRequest,
  type ParsedCertificateRequest,
} from '@skiff/api';
import type { Clock, KubeClient, Lister } from '@skiff/client';
import type { ClusterCA } from '@skiff/pki';
import { signerPolicies } from './signer-policies';

/** Requests may ask for less than the signer's maximum, but not less than ten minutes (twice the backdate). */
const minimumDurationMs = 10 * 60_000;

export interface CSRSigningDeps {
  client: KubeClient;
  csrs: Lister<CertificateSigningRequest>;
  ca: ClusterCA;
  /** --cluster-signing-duration: the longest certificate issued. */
  maxDurationMs: number;
  clock: Clock;
}

/** How long the certificate for `csr` lasts: spec.expirationSeconds within [10 min, the signer's maximum], else the maximum. */
export function certificateDurationMs(csr: CertificateSigningRequest, maxDurationMs: number): number {
  const seconds = csr.spec.expirationSeconds;
  if (seconds === undefined) return maxDurationMs;
  return Math.min(maxDurationMs, Math.max(minimumDurationMs, seconds * 1000));
}

/**
 * Keys are CSR names. Signs approved, unfailed, unissued requests addressed to one of the cluster CA's signers, or
 * marks them Failed (SignerValidationFailure) when they do not fit the signer; requests for other signers are left alone.
 */
export async function reconcileCSRSigning(name: string, deps: CSRSigningDeps): Promise<void> {
  const csr = deps.csrs.get(undefined, name);
  if (!csr || csr.status?.certificate || !isApproved(csr) || hasFailed(csr)) return;
  const policy = signerPolicies.get(csr.spec.signerName);
  if (!policy) return;
  let req: ParsedCertificateRequest;
  try {
    req = parseCertificateRequest(requestPem(csr));
  } catch (e) {
    throw new Error(`unable to parse csr "${name}": ${(e as Error).message}`);
  }
  const usages = csr.spec.usages ?? [];
  const problem = policy(req, usages);
  if (problem) {
    const failed = { type: csrConditionTypes.failed, status: 'True', reason: 'SignerValidationFailure', message: problem, lastUpdateTime: formatTime(new Date(deps.clock.now())) };
    await deps.client.update<CertificateSigningRequest>(certificatesigningrequests, { ...csr, status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), failed] } }, { subresource: 'status' });
    return;
  }
  const pem = await deps.ca.signRequest({
    publicKeySpki: req.publicKeySpki,
    commonName: req.commonName,
    organizations: req.organizations,
    dnsNames: req.dnsNames,
    ipAddresses: req.ipAddresses,
    emailAddresses: req.emailAddresses,
    uris: req.uris,
    usages,
    durationMs: certificateDurationMs(csr, deps.maxDurationMs),
    now: new Date(deps.clock.now()),
  });
  const certificate = Buffer.from(pem, 'utf8').toString('base64');
  await deps.client.update<CertificateSigningRequest>(certificatesigningrequests, { ...csr, status: { ...csr.status, certificate } }, { subresource: 'status' });
}
