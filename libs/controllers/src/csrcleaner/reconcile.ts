import { X509Certificate } from 'node:crypto';
import { certificatesigningrequests, issuedCertificatePem, type CertificateSigningRequest } from '@skiff/api';
import { isNotFound, type Clock, type KubeClient, type Lister } from '@skiff/client';

const hourMs = 3600_000;
/** Kubernetes' csrcleaner keeps decided requests an hour and undecided ones a day. */
export const decidedRequestLifetimeMs = hourMs;
export const pendingRequestLifetimeMs = 24 * hourMs;

export interface CSRCleanerDeps {
  client: KubeClient;
  csrs: Lister<CertificateSigningRequest>;
  clock: Clock;
  requeueAfter(key: string, ms: number): void;
}

const at = (time: string | undefined) => (time ? Date.parse(time) : NaN);

/** When the issued certificate stops being valid, or NaN when there is none (or it does not parse). */
function certificateEnd(csr: CertificateSigningRequest): number {
  if (!csr.status?.certificate) return NaN;
  try {
    return Date.parse(new X509Certificate(issuedCertificatePem(csr)).validTo);
  } catch {
    return NaN;
  }
}

/**
 * When `csr` is due for deletion: a day after creation while nothing was decided, an hour after it was denied or
 * failed, an hour after approval once issued, and whenever its certificate expires, whichever comes first.
 */
export function deletionDue(csr: CertificateSigningRequest): number {
  const conditions = csr.status?.conditions ?? [];
  const due: number[] = [certificateEnd(csr)];
  if (conditions.length === 0) due.push(at(csr.metadata.creationTimestamp) + pendingRequestLifetimeMs);
  for (const c of conditions) {
    const since = at(c.lastUpdateTime);
    if (c.type === 'Denied' || c.type === 'Failed') due.push(since + decidedRequestLifetimeMs);
    if (c.type === 'Approved' && csr.status?.certificate) due.push(since + decidedRequestLifetimeMs);
  }
  const known = due.filter((t) => !Number.isNaN(t));
  return known.length ? Math.min(...known) : NaN;
}

/** Keys are CSR names. Deletes a request once it is due, and looks again at the moment it will be. */
export async function reconcileCSRCleanup(name: string, deps: CSRCleanerDeps): Promise<void> {
  const csr = deps.csrs.get(undefined, name);
  if (!csr) return;
  const due = deletionDue(csr);
  if (Number.isNaN(due)) return;
  const left = due - deps.clock.now();
  if (left > 0) {
    deps.requeueAfter(name, left);
    return;
  }
  try {
    await deps.client.delete(certificatesigningrequests, undefined, name, { preconditions: { uid: csr.metadata.uid } });
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
}
