import { formatTime, type CertificateSigningRequest, type CertificateSigningRequestCondition, type KObject } from '@skiff/api';
import type { UserInfo } from '../admission/admission';
import { deepClone } from './object-meta';
import type { ServerStrategy } from './server-strategy';

type CSR = CertificateSigningRequest & KObject;

/** Conditions without timestamps get now; a condition whose type and status stand unchanged keeps its transition time. */
function stampConditions(next: CSR, old: CSR, now: string): void {
  for (const c of next.status?.conditions ?? []) {
    c.lastUpdateTime ||= now;
    if (!c.lastTransitionTime) {
      const same = (old.status?.conditions ?? []).find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? now;
    }
  }
}

/** Puts the stored Approved/Denied conditions back in place of what a status write sent, when it kept their number. */
function keepApprovalConditions(next: CSR, old: CSR): void {
  const conditions = next.status?.conditions ?? [];
  for (const type of ['Approved', 'Denied']) {
    const before = (old.status?.conditions ?? []).filter((c) => c.type === type);
    const positions = conditions.flatMap((c, i) => (c.type === type ? [i] : []));
    // A write that adds or drops one is left as sent, for validation to refuse.
    if (positions.length !== before.length) continue;
    positions.forEach((at, i) => (conditions[at] = deepClone(before[i]) as CertificateSigningRequestCondition));
  }
}

/**
 * CertificateSigningRequests as Kubernetes stores them: the requester's identity is the authenticated user's,
 * never the client's say; spec never changes after create; `status` writes the certificate and conditions other
 * than Approved/Denied, `approval` only the conditions.
 */
export const csrStrategy: ServerStrategy = {
  prepareForCreate(obj: KObject, user: UserInfo) {
    const csr = obj as CSR;
    const spec = csr.spec ?? ({} as CSR['spec']);
    spec.username = user.name;
    if (user.uid) spec.uid = user.uid;
    else delete spec.uid;
    spec.groups = [...user.groups];
    const extra = user.extra;
    if (extra && Object.keys(extra).length) spec.extra = deepClone(extra);
    else delete spec.extra;
    csr.spec = spec;
  },
  prepareForUpdate(obj: KObject, old: KObject) {
    (obj as CSR).spec = deepClone((old as CSR).spec);
  },
  prepareForSubresourceUpdate(subresource: string, desired: KObject, old: KObject) {
    const sent = desired as CSR;
    const stored = old as CSR;
    const now = formatTime(new Date());
    if (subresource === 'status') {
      const next = deepClone(stored) as CSR;
      next.status = deepClone(sent.status ?? {});
      keepApprovalConditions(next, stored);
      stampConditions(next, stored, now);
      return next;
    }
    if (subresource === 'approval') {
      const next = deepClone(stored) as CSR;
      const conditions = deepClone(sent.status?.conditions ?? []);
      next.status = { ...(next.status ?? {}), conditions };
      if (!conditions.length) delete next.status.conditions;
      stampConditions(next, stored, now);
      return next;
    }
    return undefined;
  },
};
