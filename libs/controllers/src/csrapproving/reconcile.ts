import {
  certificatesigningrequests,
  csrConditionTypes,
  formatTime,
  parseCertificateRequest,
  requestPem,
  trueCondition,
  type CertificateSigningRequest,
  type ParsedCertificateRequest,
} from '@skiff/api';
import type { Clock, KubeClient, Lister } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import type { RequestorAccessCheck } from './access-review';
import { isNodeClientRequest, isSelfNodeClientRequest } from './node-client-request';

export interface CSRApprovingDeps {
  client: KubeClient;
  csrs: Lister<CertificateSigningRequest>;
  mayCreate: RequestorAccessCheck;
  clock: Clock;
  logger: Logger;
}

/** The kinds of request the approver recognizes, the subresource whose `create` permission approves each, and the message. */
const recognized = [
  { matches: isSelfNodeClientRequest, subresource: 'selfnodeclient', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' },
  { matches: isNodeClientRequest, subresource: 'nodeclient', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' },
];

/**
 * Keys are CSR names. Approves a pending kubelet client request when its requester may create
 * certificatesigningrequests/selfnodeclient (a node renewing its own certificate) or .../nodeclient (a new node
 * bootstrapping). Anything else is left for a person (`kubectl certificate approve|deny`) or another approver.
 */
export async function reconcileCSRApproval(name: string, deps: CSRApprovingDeps): Promise<void> {
  const csr = deps.csrs.get(undefined, name);
  if (!csr || csr.status?.certificate) return;
  if (trueCondition(csr, csrConditionTypes.approved) || trueCondition(csr, csrConditionTypes.denied)) return;
  let req: ParsedCertificateRequest;
  try {
    req = parseCertificateRequest(requestPem(csr));
  } catch (e) {
    throw new Error(`unable to parse csr "${name}": ${(e as Error).message}`);
  }
  // The first kind that matches decides: a self renewal the requester may not make is not retried as a new node's.
  const kind = recognized.find((k) => k.matches(csr, req));
  if (!kind) return;
  if (!(await deps.mayCreate(csr, kind.subresource))) {
    deps.logger.info('recognized csr but subject access review was not approved', { csr: name, kind: kind.subresource, user: csr.spec.username });
    return;
  }
  const conditions = [...(csr.status?.conditions ?? [])];
  conditions.push({ type: csrConditionTypes.approved, status: 'True', reason: 'AutoApproved', message: kind.message, lastUpdateTime: formatTime(new Date(deps.clock.now())) });
  await deps.client.update<CertificateSigningRequest>(certificatesigningrequests, { ...csr, status: { ...csr.status, conditions } }, { subresource: 'approval' });
}
