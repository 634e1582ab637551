import { CriError } from './types';

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Hands out pod IPv4 addresses from a CIDR the way CNI host-local does for a bridge with isGateway: the network
 * address, the first host (the bridge's gateway) and the broadcast address are never given out, and allocation
 * goes round-robin from the last address handed out so a freed address is not reused at once.
 */
export class IPv4Allocator {
  readonly cidr: string;
  private readonly first: number;
  private readonly last: number;
  private readonly inUse = new Set<number>();
  private cursor: number;

  constructor(cidr: string) {
    const match = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
    const base = match ? parseIPv4(match[1]) : undefined;
    const prefix = match ? Number(match[2]) : NaN;
    if (base === undefined || !(prefix >= 0 && prefix <= 30)) {
      throw new Error(`invalid pod CIDR ${JSON.stringify(cidr)}: want an IPv4 CIDR with a prefix of at most /30`);
    }
    const size = 2 ** (32 - prefix);
    const network = base - (base % size);
    this.cidr = `${formatIPv4(network)}/${prefix}`;
    this.first = network + 2;
    this.last = network + size - 2;
    this.cursor = this.last;
  }

  get gateway(): string {
    return formatIPv4(this.first - 1);
  }

  /** Addresses currently handed out. */
  get allocated(): number {
    return this.inUse.size;
  }

  allocate(): string {
    const count = this.last - this.first + 1;
    for (let step = 1; step <= count; step++) {
      const candidate = this.first + ((this.cursor - this.first + step) % count);
      if (!this.inUse.has(candidate)) {
        this.inUse.add(candidate);
        this.cursor = candidate;
        return formatIPv4(candidate);
      }
    }
    throw new CriError(
      'UNKNOWN',
      `failed to allocate for range 0: no IP addresses available in range set: ${formatIPv4(this.first)}-${formatIPv4(this.last)}`,
    );
  }

  /** Marks `ip` as handed out (an address a sandbox already holds); false when it is outside the pool or taken. */
  reserve(ip: string): boolean {
    const value = parseIPv4(ip);
    if (value === undefined || value < this.first || value > this.last || this.inUse.has(value)) return false;
    this.inUse.add(value);
    return true;
  }

  release(ip: string): void {
    const value = parseIPv4(ip);
    if (value !== undefined) this.inUse.delete(value);
  }

}
