import { FieldPath, duplicate, forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../../validation/field-errors';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names';
import { certificateBundleProblem, parseCertificateRequest } from './certificate-request-pem';
import { keyUsages } from './key-usages';
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from './certificate-signing-request';

const usages = new Set<string>(keyUsages);
const sortedUsages = [...usages].sort();
/** Approved, Denied and Failed only ever hold status True. */
const trueOnlyConditions = new Set(['Approved', 'Denied', 'Failed']);
const allStatuses = ['False', 'True', 'Unknown'];
const minimumExpirationSeconds = 600;
const dnsSubdomainMax = 253;
const dnsLabelMax = 63;

/** A signer name is `<domain>/<path>`: a dotted DNS domain, then dot-separated DNS subdomains. */
export function validateSignerName(path: FieldPath, signerName: string | undefined): FieldError[] {
  if (!signerName) return [required(path)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments;
  const errs: FieldError[] = [];
  if (domain.length > dnsSubdomainMax) errs.push(tooLong(path, '', dnsSubdomainMax));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const problems = isDNS1123Label(label);
    if (problems.length) {
      errs.push(...problems.map((p) => invalid(path, domain, `validating label "${label}": ${p}`)));
      break;
    }
  }
  if (domainLabels.length < 2) errs.push(invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of rest.split('.')) {
    const problems = isDNS1123Subdomain(label);
    if (problems.length) {
      errs.push(...problems.map((p) => invalid(path, rest, `validating label "${label}": ${p}`)));
      break;
    }
  }
  const maxLength = dnsSubdomainMax + (dnsSubdomainMax + dnsLabelMax + 1) + 1;
  if (signerName.length > maxLength) errs.push(tooLong(path, '', maxLength));
  return errs;
}

function validateConditions(csr: CertificateSigningRequest): FieldError[] {
  const p = FieldPath.root('status', 'conditions');
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  (csr.status?.conditions ?? []).forEach((c, i) => {
    if (!c.type) errs.push(required(p.index(i).child('type')));
    const allowed = trueOnlyConditions.has(c.type) ? ['True'] : allStatuses;
    if (!c.status) errs.push(required(p.index(i).child('status')));
    else if (!allowed.includes(c.status)) errs.push(notSupported(p.index(i).child('status'), c.status, allowed));
    if (c.type === 'Approved') {
      approved = true;
      if (denied) errs.push(invalid(p.index(i).child('type'), c.type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (c.type === 'Denied') {
      denied = true;
      if (approved) errs.push(invalid(p.index(i).child('type'), c.type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (seen.has(c.type)) errs.push(duplicate(p.index(i).child('type'), c.type));
    seen.add(c.type);
  });
  return errs;
}

/** Every check on a request as it would be stored: its PKCS#10 body, signer, usages, duration, conditions, certificate. */
export function validateCertificateSigningRequest(csr: CertificateSigningRequest): FieldError[] {
  const p = FieldPath.root('spec');
  const spec = csr.spec ?? ({} as CertificateSigningRequest['spec']);
  const errs: FieldError[] = [];
  try {
    parseCertificateRequest(Buffer.from(spec.request ?? '', 'base64').toString('utf8'));
  } catch (e) {
    errs.push(invalid(p.child('request'), '<certificate request data>', (e as Error).message));
  }
  const requested = spec.usages ?? [];
  if (requested.length === 0) errs.push(required(p.child('usages')));
  const seen = new Set<string>();
  requested.forEach((u, i) => {
    if (!usages.has(u)) errs.push(notSupported(p.child('usages').index(i), u, sortedUsages));
    if (seen.has(u)) errs.push(duplicate(p.child('usages').index(i), u));
    seen.add(u);
  });
  if (spec.signerName === 'kubernetes.io/legacy-unknown') errs.push(invalid(p.child('signerName'), spec.signerName, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(p.child('signerName'), spec.signerName));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < minimumExpirationSeconds) {
    errs.push(invalid(p.child('expirationSeconds'), spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...validateConditions(csr));
  const certificate = csr.status?.certificate;
  if (certificate) {
    const problem = certificateBundleProblem(Buffer.from(certificate, 'base64').toString('utf8'));
    if (problem) errs.push(invalid(FieldPath.root('status', 'certificate'), '<certificate data>', problem));
  }
  return errs;
}

const conditionsOf = (csr: CertificateSigningRequest, type: string): CertificateSigningRequestCondition[] => (csr.status?.conditions ?? []).filter((c) => c.type === type);

/**
 * What each way of updating may change besides what `validateCertificateSigningRequest` checks on every write: the
 * main resource nothing of status, `approval` the Approved/Denied conditions, `status` the certificate (once).
 */
interface UpdateRights {
  approvalConditions: boolean;
  certificate: boolean;
}

function validateUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest, rights: UpdateRights): FieldError[] {
  const errs: FieldError[] = [];
  const p = FieldPath.root('status', 'conditions');
  for (const type of ['Approved', 'Denied', 'Failed']) {
    if (conditionsOf(csr, type).length < conditionsOf(old, type).length) errs.push(forbidden(p, `updates may not remove a condition of type "${type}"`));
  }
  if (!rights.approvalConditions) {
    for (const type of ['Approved', 'Denied']) {
      const before = conditionsOf(old, type);
      const after = conditionsOf(csr, type);
      if (after.length > before.length) errs.push(forbidden(p, `updates may not add a condition of type "${type}"`));
      else if (after.length === before.length && JSON.stringify(after) !== JSON.stringify(before)) errs.push(forbidden(p, `updates may not modify a condition of type "${type}"`));
    }
  }
  const certificate = csr.status?.certificate ?? '';
  const oldCertificate = old.status?.certificate ?? '';
  if (certificate !== oldCertificate) {
    const path = FieldPath.root('status', 'certificate');
    if (!rights.certificate) errs.push(forbidden(path, 'updates may not set certificate content'));
    else if (oldCertificate) errs.push(forbidden(path, 'updates may not modify existing certificate content'));
  }
  return errs;
}

export function validateCertificateSigningRequestUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(csr, old, { approvalConditions: false, certificate: false });
}

/** Updates through `status` may set the certificate once; through `approval`, add Approved or Denied. */
export function validateCertificateSigningRequestSubresourceUpdate(subresource: string, csr: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(csr, old, { approvalConditions: subresource === 'approval', certificate: subresource === 'status' });
}
