import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { canonicalIP } from './ip-names';

/** A DNS server other names are forwarded to. */
export interface Upstream {
  address: string;
  port: number;
}

export const defaultResolvConfPath = '/etc/resolv.conf';

/**
 * The `nameserver` addresses of a resolv.conf, in order. Like glibc, a file without any means the local
 * machine's resolver; lines that are not addresses are skipped and reported.
 */
export function parseResolvConfNameservers(text: string): { nameservers: string[]; ignored: string[] } {
  const nameservers: string[] = [];
  const ignored: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const [keyword, value] = line.split(/\s+/);
    if (keyword !== 'nameserver') continue;
    const ip = value ? canonicalIP(value) : undefined;
    if (ip) nameservers.push(ip);
    else ignored.push(rawLine.trim());
  }
  return { nameservers: nameservers.length ? nameservers : ['127.0.0.1'], ignored };
}

/**
 * The upstreams to forward to, minus this server's own address: forwarding to ourselves would loop. A server
 * bound to every address also skips the node's own interface addresses when it listens on port 53.
 */
export function upstreamsExcludingSelf(nameservers: string[], self: Upstream): Upstream[] {
  const own = new Set<string>();
  if (self.port === 53) {
    const selfIP = canonicalIP(self.address);
    if (selfIP === '0.0.0.0' || selfIP === '::') {
      for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) own.add(canonicalIP(a.address) ?? a.address);
    } else if (selfIP) own.add(selfIP);
  }
  return nameservers.filter((ip) => !own.has(ip)).map((address) => ({ address, port: 53 }));
}

/** Reads the nameservers of a resolv.conf file; a missing file means the local machine's resolver, as in glibc. */
export async function readResolvConf(path: string): Promise<{ nameservers: string[]; ignored: string[] }> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`reading ${path}: ${(err as Error).message}`);
  }
  return parseResolvConfNameservers(text);
}
