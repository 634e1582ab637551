import * as net from 'node:net';
import { canonicalIp } from './certificate-info';
import { PkiError } from './errors';

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/** A DNS-1123 subdomain, the form Kubernetes node names and certificate DNS names take. */
export function isDnsSubdomain(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 253 && dnsSubdomain.test(name);
}

/** A DNS SAN: a subdomain, optionally with a leading `*.` wildcard. */
export function validDnsName(name: unknown): string {
  const bare = typeof name === 'string' && name.startsWith('*.') ? name.slice(2) : name;
  if (!isDnsSubdomain(bare)) throw new PkiError(`${JSON.stringify(name)} is not a valid DNS name for a certificate (lower-case letters, digits, '-' and '.')`);
  return name as string;
}

/** An IP SAN in canonical form. */
export function validIp(ip: unknown): string {
  if (typeof ip !== 'string' || net.isIP(ip) === 0) throw new PkiError(`${JSON.stringify(ip)} is not an IP address`);
  return canonicalIp(ip);
}
