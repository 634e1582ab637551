/** IPv4 arithmetic for carving a cluster CIDR into per-node blocks. */
function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`invalid IPv4 address ${text}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * Hands out the `maskSize` blocks of a cluster CIDR, lowest free first, remembering which node holds which.
 * Blocks a node already carries are marked taken (`occupy`) so a restarted controller rebuilds the same map.
 */
export class CidrAllocator {
  private readonly base: number;
  private readonly blockSize: number;
  readonly blockCount: number;
  private readonly maskSize: number;
  private readonly byNode = new Map<string, number>();
  private readonly taken = new Set<number>();

  constructor(clusterCIDR: string, maskSize: number) {
    const [address, prefixText] = clusterCIDR.split('/');
    const prefix = Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid cluster CIDR ${clusterCIDR}`);
    if (!Number.isInteger(maskSize) || maskSize < prefix || maskSize > 32) throw new Error(`node CIDR mask size ${maskSize} does not fit in ${clusterCIDR}`);
    const size = 2 ** (32 - prefix);
    this.base = parseIPv4(address) - (parseIPv4(address) % size);
    this.blockSize = 2 ** (32 - maskSize);
    this.blockCount = 2 ** (maskSize - prefix);
    this.maskSize = maskSize;
  }

  /** The CIDR the node holds, if any. */
  cidrOf(nodeName: string): string | undefined {
    const block = this.byNode.get(nodeName);
    return block === undefined ? undefined : this.format(block);
  }

  /** Records that the node carries `cidr`; false when it is not one of our blocks. */
  occupy(nodeName: string, cidr: string): boolean {
    const block = this.blockOf(cidr);
    if (block === undefined) return false;
    const previous = this.byNode.get(nodeName);
    if (previous !== undefined && previous !== block) this.taken.delete(previous);
    this.byNode.set(nodeName, block);
    this.taken.add(block);
    return true;
  }

  /** The lowest free block, now held by the node; undefined when the range is exhausted. */
  allocate(nodeName: string): string | undefined {
    const held = this.cidrOf(nodeName);
    if (held) return held;
    for (let block = 0; block < this.blockCount; block++) {
      if (this.taken.has(block)) continue;
      this.taken.add(block);
      this.byNode.set(nodeName, block);
      return this.format(block);
    }
    return undefined;
  }

  release(nodeName: string): void {
    const block = this.byNode.get(nodeName);
    if (block === undefined) return;
    this.byNode.delete(nodeName);
    this.taken.delete(block);
  }

  private format(block: number): string {
    return `${formatIPv4(this.base + block * this.blockSize)}/${this.maskSize}`;
  }

  private blockOf(cidr: string): number | undefined {
    const [address, prefixText] = cidr.split('/');
    if (Number(prefixText) !== this.maskSize) return undefined;
    let ip: number;
    try {
      ip = parseIPv4(address);
    } catch {
      return undefined;
    }
    const offset = ip - this.base;
    if (offset < 0 || offset % this.blockSize !== 0 || offset / this.blockSize >= this.blockCount) return undefined;
    return offset / this.blockSize;
  }
}
