import { createHash } from 'node:crypto';

/** The chains every render declares; jumps from the built-in chains lead into some of them. */
export const natServicesChain = 'SKIFF-SERVICES';
export const natNodePortsChain = 'SKIFF-NODEPORTS';
export const natPostroutingChain = 'SKIFF-POSTROUTING';
export const natMarkMasqChain = 'SKIFF-MARK-MASQ';
export const filterServicesChain = 'SKIFF-SERVICES';
export const filterExternalServicesChain = 'SKIFF-EXTERNAL-SERVICES';
export const filterForwardChain = 'SKIFF-FORWARD';
export const filterFirewallChain = 'SKIFF-FIREWALL';

/** Every chain the proxy owns starts with this; --cleanup removes all of them. */
export const ownedChainPrefix = 'SKIFF-';

/** The bit set on packets that must be masqueraded on the way out (kube-proxy's default, bit 14). */
export const masqueradeMark = '0x4000';

const servicePrefix = 'SKIFF-SVC-';
const localServicePrefix = 'SKIFF-SVL-';
const externalPrefix = 'SKIFF-EXT-';
const endpointPrefix = 'SKIFF-SEP-';

/** Per-service and per-endpoint chains: a render deletes those of them it no longer declares. */
export function isPerServiceChain(chain: string): boolean {
  return [servicePrefix, localServicePrefix, externalPrefix, endpointPrefix].some((p) => chain.startsWith(p));
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let value = 0;
  let bits = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The first 16 base32 characters of sha256(text), as kube-proxy names its chains: iptables allows 28 characters
 * per chain name, and the same service port always gets the same chain across restarts and nodes.
 */
export function chainHash(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** `ns/name:port`, or `ns/name` for an unnamed port: the name in comments and in every hash. */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return `${namespace}/${name}${portName ? `:${portName}` : ''}`;
}

export const serviceChain = (portName: string, protocol: string) => servicePrefix + chainHash(portName + protocol);
export const localServiceChain = (portName: string, protocol: string) => localServicePrefix + chainHash(portName + protocol);
export const externalChain = (portName: string, protocol: string) => externalPrefix + chainHash(portName + protocol);
export const endpointChain = (portName: string, protocol: string, endpoint: string) => endpointPrefix + chainHash(portName + protocol + endpoint);
