import type { Node, Taint } from '@skiff/api';
import type { HostPort, PodInfo } from './pod-info';
import { Resource, type ResourceListLike } from './resource';

const wildcardIP = '0.0.0.0';

/** Host ports in use on a node, counted so that removing one of two identical claims keeps the other. */
export class HostPortUsage {
  /** `protocol/port` → host IP → number of claims. */
  private readonly byPort = new Map<string, Map<string, number>>();

  add(p: HostPort, delta: 1 | -1): void {
    const key = `${p.protocol}/${p.port}`;
    let ips = this.byPort.get(key);
    if (!ips) this.byPort.set(key, (ips = new Map()));
    const n = (ips.get(p.ip) ?? 0) + delta;
    if (n > 0) ips.set(p.ip, n);
    else ips.delete(p.ip);
    if (ips.size === 0) this.byPort.delete(key);
  }

  /** 0.0.0.0 conflicts with every address on the same protocol and port; other addresses only with themselves. */
  conflicts(p: HostPort): boolean {
    const ips = this.byPort.get(`${p.protocol}/${p.port}`);
    if (!ips) return false;
    if (p.ip === wildcardIP) return ips.size > 0;
    return ips.has(p.ip) || ips.has(wildcardIP);
  }

  clone(): HostPortUsage {
    const copy = new HostPortUsage();
    for (const [key, ips] of this.byPort) copy.byPort.set(key, new Map(ips));
    return copy;
  }
}

/**
 * One node and the aggregates of the pods on it (bound or assumed), kept up to date as pods come and go so that
 * a filter looks at a few numbers instead of walking the node's pods.
 */
export class NodeInfo {
  /** Undefined while the Node object is gone but pods still name it. */
  node?: Node;
  readonly pods = new Map<string, PodInfo>();
  requested = new Resource();
  /** cpu and memory with best-effort containers counted at the defaults, for spreading scores. */
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  allocatable = new Resource();
  usedPorts = new HostPortUsage();
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  labels: Readonly<Record<string, string>> = {};
  taints: Taint[] = [];
  unschedulable = false;

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable ?? false;
    // As Kubernetes defaults it: a node that reports no allocatable offers its whole capacity.
    const status = node.status;
    this.allocatable = Resource.fromList((status?.allocatable ?? status?.capacity) as ResourceListLike | undefined);
  }

  clearNode(): void {
    this.node = undefined;
  }

  addPod(pi: PodInfo): void {
    const old = this.pods.get(pi.key);
    if (old) this.removePod(old);
    this.pods.set(pi.key, pi);
    this.account(pi, 1);
    if (pi.hasAffinity) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.push(pi);
  }

  /** Removes the pod stored under `pi.key` (whatever version of it is stored); false if it was not here. */
  removePod(pi: PodInfo): boolean {
    const stored = this.pods.get(pi.key);
    if (!stored) return false;
    this.pods.delete(pi.key);
    this.account(stored, -1);
    if (stored.hasAffinity) this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.key !== stored.key);
    if (stored.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.key !== stored.key);
    return true;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    this.requested.accumulate(pi.requests, sign);
    this.nonZeroCPU += sign * pi.nonZeroCPU;
    this.nonZeroMemory += sign * pi.nonZeroMemory;
    for (const p of pi.hostPorts) this.usedPorts.add(p, sign);
  }

  /** An independent copy for what-if evaluation (preemption, nominated pods); PodInfos are shared. */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.name);
    copy.node = this.node;
    for (const [key, pi] of this.pods) copy.pods.set(key, pi);
    copy.requested = this.requested.clone();
    copy.nonZeroCPU = this.nonZeroCPU;
    copy.nonZeroMemory = this.nonZeroMemory;
    copy.allocatable = this.allocatable;
    copy.usedPorts = this.usedPorts.clone();
    copy.podsWithAffinity = [...this.podsWithAffinity];
    copy.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    copy.labels = this.labels;
    copy.taints = this.taints;
    copy.unschedulable = this.unschedulable;
    return copy;
  }
}
