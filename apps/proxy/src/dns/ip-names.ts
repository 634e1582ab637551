import { isIPv4, isIPv6 } from 'node:net';

/** An address in the one spelling used for comparisons: IPv4 as is, IPv6 compressed and lower case. */
export function canonicalIP(ip: string): string | undefined {
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip) || ip.includes('%')) return undefined;
  // The URL parser writes IPv6 hosts in RFC 5952 form.
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/**
 * The address a reverse-zone name stands for (`4.3.2.1.in-addr.arpa` → `1.2.3.4`; 32 nibbles under `ip6.arpa`).
 * Labels are the lower-case name relative to nothing, most significant last, as they appear in the query.
 */
export function ipFromReverseName(lowerName: string): string | undefined {
  if (lowerName.endsWith('.in-addr.arpa')) {
    const octets = lowerName.slice(0, -'.in-addr.arpa'.length).split('.');
    if (octets.length !== 4 || !octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255)) return undefined;
    return octets.reverse().join('.');
  }
  if (lowerName.endsWith('.ip6.arpa')) {
    const nibbles = lowerName.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    const groups = hex.match(/.{4}/g)!;
    return canonicalIP(groups.join(':'));
  }
  return undefined;
}

/** The address in a `pod.<zone>` name label (`10-244-1-5`, or `fd00--5` for IPv6), as CoreDNS spells it. */
export function ipFromDashedLabel(label: string): string | undefined {
  const v4 = label.replace(/-/g, '.');
  if (isIPv4(v4)) return v4;
  return canonicalIP(label.replace(/-/g, ':'));
}

/** The system-assigned hostname of an endpoint without one: its address with dashes, as CoreDNS names it. */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}
