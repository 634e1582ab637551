import type { CertificateSigningRequest } from '../certificates/v1/certificate-signing-request';
import { humanDuration } from './human-duration';
import { ageColumn, ageOf, column, nameColumn, type TablePrinter } from './table-printer';

/** Kubernetes' CONDITION column: Denied over Approved over Pending, then Failed and Issued when they hold. */
export function certificateSigningRequestCondition(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let text = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) text += ',Failed';
  if (csr.status?.certificate) text += ',Issued';
  return text;
}

export const certificateSigningRequestPrinter: TablePrinter<CertificateSigningRequest> = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', 'Requested signer of the certificate.'),
    column('Requestor', 'string', 'The user who created the request.'),
    column('RequestedDuration', 'string', 'The requested duration of the issued certificate.'),
    column('Condition', 'string', 'The state of the request: Approved, Denied or Pending, then Failed and Issued.'),
  ],
  cells(csr, now) {
    const seconds = csr.spec?.expirationSeconds;
    return [
      csr.metadata.name,
      ageOf(csr, now),
      csr.spec?.signerName || '<none>',
      csr.spec?.username ?? '',
      seconds === undefined ? '<none>' : humanDuration(seconds * 1000),
      certificateSigningRequestCondition(csr),
    ];
  },
};
