import type { PeerCertificate, TLSSocket } from 'node:tls';

/** The user a client certificate authenticates as, by Kubernetes' x509 rule: CN is the user, each O a group. */
export interface CertificateIdentity {
  user: string;
  groups: string[];
}

/**
 * Reads the identity from a peer certificate as Node's `getPeerCertificate()` returns it. A certificate without a
 * common name authenticates no one, as in Kubernetes. This does not check the certificate's chain: call it only for
 * a socket whose `authorized` is true, or use identityFromTlsSocket.
 */
export function identityFromCertificate(peer: PeerCertificate | null | undefined): CertificateIdentity | undefined {
  const subject = peer?.subject as Record<string, string | string[] | undefined> | undefined;
  if (!subject) return undefined;
  const user = asList(subject.CN)[0];
  if (!user) return undefined;
  return { user, groups: asList(subject.O) };
}

/** The identity of a TLS client whose certificate chained to the server's `ca` and is in date; else undefined. */
export function identityFromTlsSocket(socket: TLSSocket): CertificateIdentity | undefined {
  if (!socket.authorized) return undefined;
  return identityFromCertificate(socket.getPeerCertificate());
}

// Node gives a repeated attribute (two O= in one subject) as an array and a single one as a string.
function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' && v !== '');
}
