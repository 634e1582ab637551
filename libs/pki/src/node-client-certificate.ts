import { certificatesigningrequests, issuedCertificatePem, kubeAPIServerClientKubeletSignerName, type CertificateSigningRequest } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import { PkiError } from './errors';
import { createCertificateRequest } from './request-signing';

export interface NodeClientCertificateRequest {
  nodeName: string;
  /** spec.expirationSeconds; the signer's maximum when left out. */
  expirationSeconds?: number;
  /** How long to wait for approval and issuance; default five minutes. */
  timeoutMs?: number;
}

export interface NodeClientCertificate {
  certPem: string;
  keyPem: string;
  /** The CertificateSigningRequest that was filed (generated name `node-csr-…`). */
  csrName: string;
}

/** The issued certificate, a refusal, or undefined while the request is still open. */
function outcome(csr: CertificateSigningRequest): string | undefined {
  const refusal = (csr.status?.conditions ?? []).find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True');
  if (refusal) {
    const what = refusal.type === 'Denied' ? 'was denied' : 'failed';
    throw new PkiError(`certificate signing request ${csr.metadata.name} ${what}: ${refusal.reason ?? ''}${refusal.message ? ` ${refusal.message}` : ''}`.trim());
  }
  return csr.status?.certificate ? issuedCertificatePem(csr) : undefined;
}

/**
 * A kubelet's TLS bootstrap: a fresh P-256 key, a CertificateSigningRequest for `system:node:<name>` in
 * `system:nodes` to the kubelet client signer, then a watch until it is issued (or denied, failed, deleted, or the
 * time is up). `client` acts as the bootstrap identity, e.g. a bootstrap token, which RBAC lets file and watch CSRs.
 */
export async function requestNodeClientCertificate(client: KubeClient, req: NodeClientCertificateRequest): Promise<NodeClientCertificate> {
  const timeoutMs = req.timeoutMs ?? 5 * 60_000;
  const deadline = Date.now() + timeoutMs;
  const { csrPem, keyPem } = await createCertificateRequest({ commonName: `system:node:${req.nodeName}`, organizations: ['system:nodes'] });
  const created = await client.create<CertificateSigningRequest>(certificatesigningrequests, undefined, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: 'node-csr-' },
    spec: {
      request: Buffer.from(csrPem, 'utf8').toString('base64'),
      signerName: kubeAPIServerClientKubeletSignerName,
      usages: ['digital signature', 'client auth'],
      ...(req.expirationSeconds !== undefined ? { expirationSeconds: req.expirationSeconds } : {}),
    },
  });
  const name = created.metadata.name!;
  let current = created;
  while (Date.now() < deadline) {
    const certPem = outcome(current);
    if (certPem) return { certPem, keyPem, csrName: name };
    const stream = client.watch<CertificateSigningRequest>(certificatesigningrequests, undefined, {
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: current.metadata.resourceVersion,
      timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)),
    });
    const timer = setTimeout(() => stream.stop(), Math.max(0, deadline - Date.now()));
    try {
      for await (const event of stream) {
        if (event.type === 'DELETED') throw new PkiError(`certificate signing request ${name} was deleted before a certificate was issued`);
        if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
        const issued = outcome(event.object);
        if (issued) return { certPem: issued, keyPem, csrName: name };
      }
    } finally {
      clearTimeout(timer);
      stream.stop();
    }
    // The watch ended (server timeout, or the version expired): read the request afresh and watch again.
    current = await client.get<CertificateSigningRequest>(certificatesigningrequests, undefined, name);
  }
  throw new PkiError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for certificate signing request ${name} to be approved and issued`);
}
