import { randomInt } from 'node:crypto';
import type { KObject } from '@skiff/api';
import type { IRequestOp, ICompare } from 'etcd3';
import { invalid } from '../handlers/status-error';
import type { EtcdStore, TxnExtras } from '../storage/etcd-store';
import type { ServerStrategy } from './server-strategy';

interface ServicePort {
  port: number;
  nodePort?: number;
  name?: string;
}
interface ServiceLike {
  metadata: { name?: string; namespace?: string };
  spec?: { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[] };
}

export class IPRange {
  readonly base: number;
  readonly size: number;
  constructor(readonly cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m || Number(m[5]) > 30 || Number(m[5]) < 8 || m.slice(1, 5).some((o) => Number(o) > 255)) {
      throw new Error(`invalid service cluster IP range ${JSON.stringify(cidr)}: want an IPv4 CIDR between /8 and /30`);
    }
    const bits = Number(m[5]);
    const addr = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
    this.size = 2 ** (32 - bits);
    this.base = addr - (addr % this.size);
  }
  static toString(n: number): string {
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  static parse(ip: string): number | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
    return m.slice(1).reduce((a, o) => a * 256 + Number(o), 0);
  }
  contains(ip: string): boolean {
    const n = IPRange.parse(ip);
    return n !== undefined && n > this.base && n < this.base + this.size - 1;
  }
  /** The first usable address, which Kubernetes gives the `kubernetes` Service. */
  first(): string {
    return IPRange.toString(this.base + 1);
  }
  /**
   * A random usable address. Like Kubernetes, dynamic allocations prefer the range above a small static band
   * (min(max(16, size/16), 256) addresses from the start), which the cluster's well-known Services
   * (`kubernetes`, `kube-dns`) and hand-picked ClusterIPs use; `anywhere` takes the whole range.
   */
  random(anywhere = false): string {
    const band = Math.min(Math.max(16, Math.floor(this.size / 16)), 256);
    const upper = !anywhere && band < this.size - 2;
    return IPRange.toString(this.base + 1 + (upper ? randomInt(band, this.size - 2) : randomInt(0, this.size - 2)));
  }
}

export class PortRange {
  readonly min: number;
  readonly max: number;
  constructor(readonly spec: string) {
    const m = /^(\d+)-(\d+)$/.exec(spec);
    if (!m || Number(m[1]) < 1 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) {
      throw new Error(`invalid service node port range ${JSON.stringify(spec)}: want MIN-MAX within 1-65535`);
    }
    this.min = Number(m[1]);
    this.max = Number(m[2]);
  }
  contains(p: number): boolean {
    return p >= this.min && p <= this.max;
  }
  random(): number {
    return randomInt(this.min, this.max + 1);
  }
}

const ipKey = (ip: string) => `/registry/ranges/serviceips/${ip}`;
const portKey = (p: number) => `/registry/ranges/servicenodeports/${p}`;

const usesNodePorts = (t?: string) => t === 'NodePort' || t === 'LoadBalancer';

/**
 * ClusterIP and NodePort allocation. Each allocated IP or port is its own etcd key, created in the same
 * transaction as the Service only if absent, so two apiservers can never hand out the same one and a failed
 * create leaves nothing allocated. Deleting the Service deletes its keys in the same transaction.
 */
export class ServiceAllocator implements ServerStrategy {
  constructor(
    private readonly store: EtcdStore,
    readonly ipRange: IPRange,
    readonly portRange: PortRange,
  ) {}

  private async taken(key: string): Promise<boolean> {
    return !!(await this.store.get(key)).kv;
  }

  private claim(key: string, owner: string, compares: ICompare[], ops: IRequestOp[]): void {
    compares.push({ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 });
    ops.push({ request_put: { key: Buffer.from(key), value: Buffer.from(owner) } });
  }

  private async allocateIP(svc: ServiceLike, owner: string, compares: ICompare[], ops: IRequestOp[]): Promise<boolean> {
    const spec = svc.spec!;
    if (spec.type === 'ExternalName') return false;
    const requested = spec.clusterIP || spec.clusterIPs?.[0];
    if (requested === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return false;
    }
    if (requested) {
      if (!this.ipRange.contains(requested)) {
        throw invalid('Service', '', svc.metadata.name ?? '', [
          { type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.ipRange.cidr}` },
        ]);
      }
      if (await this.taken(ipKey(requested))) {
        throw invalid('Service', '', svc.metadata.name ?? '', [
          { type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: provided IP is already allocated` },
        ]);
      }
      this.claim(ipKey(requested), owner, compares, ops);
      spec.clusterIP = requested;
      spec.clusterIPs = [requested];
      return false;
    }
    let ip = this.ipRange.random();
    for (let i = 0; i < 16 && (await this.taken(ipKey(ip))); i++) ip = this.ipRange.random(i >= 8);
    this.claim(ipKey(ip), owner, compares, ops);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return true;
  }

  private async allocatePorts(svc: ServiceLike, owner: string, compares: ICompare[], ops: IRequestOp[], keep: Set<number>): Promise<boolean> {
    const spec = svc.spec!;
    if (!usesNodePorts(spec.type)) {
      for (const p of spec.ports ?? []) delete p.nodePort;
      return false;
    }
    let random = false;
    const used = new Set<number>();
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (p.nodePort) {
        if (!this.portRange.contains(p.nodePort)) {
          throw invalid('Service', '', svc.metadata.name ?? '', [
            { type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: `provided port is not in the valid range. The range of valid ports is ${this.portRange.spec}` },
          ]);
        }
        if (keep.has(p.nodePort) || used.has(p.nodePort)) {
          used.add(p.nodePort);
          continue;
        }
        if (await this.taken(portKey(p.nodePort))) {
          throw invalid('Service', '', svc.metadata.name ?? '', [
            { type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: 'provided port is already allocated' },
          ]);
        }
      } else {
        let port = this.portRange.random();
        for (let n = 0; n < 16 && (used.has(port) || keep.has(port) || (await this.taken(portKey(port)))); n++) port = this.portRange.random();
        p.nodePort = port;
        random = true;
      }
      used.add(p.nodePort);
      this.claim(portKey(p.nodePort), owner, compares, ops);
    }
    return random;
  }

  async createExtras(obj: KObject): Promise<{ extras: TxnExtras; retriable: boolean }> {
    const svc = obj as unknown as ServiceLike;
    svc.spec ??= {};
    const owner = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const compares: ICompare[] = [];
    const ops: IRequestOp[] = [];
    const a = await this.allocateIP(svc, owner, compares, ops);
    const b = await this.allocatePorts(svc, owner, compares, ops, new Set());
    return { extras: { compares, ops }, retriable: a || b };
  }

  /** Kubernetes keeps allocated values a client left out of an update (a PUT without clusterIP keeps it). */
  prepareForUpdate(obj: KObject, old: KObject): void {
    const svc = obj as unknown as ServiceLike;
    const prev = old as unknown as ServiceLike;
    if (!svc.spec || !prev.spec) return;
    if (!svc.spec.clusterIP && prev.spec.clusterIP && svc.spec.type !== 'ExternalName') {
      svc.spec.clusterIP = prev.spec.clusterIP;
      svc.spec.clusterIPs = prev.spec.clusterIPs;
    }
    if (usesNodePorts(svc.spec.type) && usesNodePorts(prev.spec.type)) {
      for (const p of svc.spec.ports ?? []) {
        if (p.nodePort) continue;
        const match = prev.spec.ports?.find((q) => q.port === p.port);
        if (match?.nodePort) p.nodePort = match.nodePort;
      }
    }
  }

  async updateExtras(obj: KObject, old: KObject): Promise<{ extras: TxnExtras; retriable: boolean }> {
    const svc = obj as unknown as ServiceLike;
    const prev = old as unknown as ServiceLike;
    const owner = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const compares: ICompare[] = [];
    const ops: IRequestOp[] = [];
    const oldPorts = new Set((prev.spec?.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p));
    let retriable = false;
    if (svc.spec?.type === 'ExternalName' && prev.spec?.clusterIP && prev.spec.clusterIP !== 'None') {
      ops.push({ request_delete_range: { key: Buffer.from(ipKey(prev.spec.clusterIP)) } });
      delete svc.spec.clusterIP;
      delete svc.spec.clusterIPs;
    } else if (svc.spec && !svc.spec.clusterIP && prev.spec?.type === 'ExternalName') {
      retriable = await this.allocateIP(svc, owner, compares, ops);
    }
    if (svc.spec) retriable = (await this.allocatePorts(svc, owner, compares, ops, oldPorts)) || retriable;
    const newPorts = new Set((svc.spec?.ports ?? []).map((p) => p.nodePort));
    for (const p of oldPorts) if (!newPorts.has(p)) ops.push({ request_delete_range: { key: Buffer.from(portKey(p)) } });
    return { extras: { compares, ops }, retriable };
  }

  deleteExtras(old: KObject): TxnExtras {
    const svc = old as unknown as ServiceLike;
    const ops: IRequestOp[] = [];
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None') ops.push({ request_delete_range: { key: Buffer.from(ipKey(ip)) } });
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) ops.push({ request_delete_range: { key: Buffer.from(portKey(p.nodePort)) } });
    return { ops };
  }
}
