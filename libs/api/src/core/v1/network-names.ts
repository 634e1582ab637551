import { isIP } from 'node:net';

/** Checks for port names and IP addresses, with Kubernetes' messages. Each returns its problems. */

/** IANA_SVC_NAME (RFC 6335): what a named container or service port must be. */
export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

export const portRangeMessage = 'must be between 1 and 65535, inclusive';

export function isValidIP(v: string): string[] {
  return isIP(v) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function isValidCIDR(v: string): string[] {
  const [ip, bits, ...rest] = v.split('/');
  const max = isIP(ip) === 4 ? 32 : isIP(ip) === 6 ? 128 : 0;
  const n = Number(bits);
  if (rest.length || !max || bits === undefined || !/^\d+$/.test(bits) || n > max) {
    return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  }
  return [];
}
