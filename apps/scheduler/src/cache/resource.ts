import { parseQuantity, type Pod } from '@skiff/api';

/**
 * Amounts of compute resources as plain numbers (cpu in millicores, memory and ephemeral storage in bytes), so
 * that filtering a node is a handful of number comparisons rather than quantity arithmetic.
 */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  /** Extended resources (nvidia.com/gpu, hugepages-2Mi, ...) by name; absent until one is set. */
  scalar?: Map<string, number>;

  static fromList(list: ResourceListLike | undefined): Resource {
    const r = new Resource();
    r.addList(list);
    return r;
  }

  addList(list: ResourceListLike | undefined): void {
    if (!list) return;
    for (const name in list) this.addNamed(name, list[name]);
  }

  private addNamed(name: string, raw: string | number): void {
    switch (name) {
      case 'cpu':
        this.milliCPU += milliValue(raw);
        return;
      case 'memory':
        this.memory += value(raw);
        return;
      case 'ephemeral-storage':
        this.ephemeralStorage += value(raw);
        return;
      case 'pods':
        this.allowedPodNumber += value(raw);
        return;
      default:
        this.addScalar(name, value(raw));
    }
  }

  addScalar(name: string, amount: number): void {
    this.scalar ??= new Map();
    this.scalar.set(name, (this.scalar.get(name) ?? 0) + amount);
  }

  /** Adds (sign 1) or subtracts (sign -1) another resource. */
  accumulate(other: Resource, sign: 1 | -1): void {
    this.milliCPU += sign * other.milliCPU;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    this.allowedPodNumber += sign * other.allowedPodNumber;
    if (other.scalar) for (const [name, amount] of other.scalar) this.addScalar(name, sign * amount);
  }

  /** Takes, resource by resource, the larger of this and `other` (how init containers count). */
  raiseTo(other: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, other.milliCPU);
    this.memory = Math.max(this.memory, other.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, other.ephemeralStorage);
    if (!other.scalar) return;
    this.scalar ??= new Map();
    for (const [name, amount] of other.scalar) this.scalar.set(name, Math.max(this.scalar.get(name) ?? 0, amount));
  }

  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    if (this.scalar) r.scalar = new Map(this.scalar);
    return r;
  }

  isZero(): boolean {
    if (this.milliCPU !== 0 || this.memory !== 0 || this.ephemeralStorage !== 0) return false;
    if (this.scalar) for (const amount of this.scalar.values()) if (amount !== 0) return false;
    return true;
  }

  scalarOf(name: string): number {
    return this.scalar?.get(name) ?? 0;
  }
}

export type ResourceListLike = Readonly<Record<string, string | number>>;

/** What a pod without a cpu or memory request is assumed to use when spreading load (Kubernetes' defaults). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

/** The few distinct quantity spellings a cluster uses are parsed once each. */
const parsed = new Map<string, { milli: number; value: number }>();
const maxRemembered = 10_000;

function parsedQuantity(raw: string | number): { milli: number; value: number } {
  const key = String(raw);
  let hit = parsed.get(key);
  if (!hit) {
    const q = parseQuantity(raw);
    hit = { milli: q.milliValue(), value: q.value() };
    if (parsed.size >= maxRemembered) parsed.clear();
    parsed.set(key, hit);
  }
  return hit;
}

export function milliValue(raw: string | number): number {
  return parsedQuantity(raw).milli;
}

export function value(raw: string | number): number {
  return parsedQuantity(raw).value;
}

interface ContainerLike {
  restartPolicy?: string;
  resources?: { requests?: ResourceListLike };
}

/**
 * A pod's effective request, as Kubernetes computes it: the sum of its containers (plus sidecars, the init
 * containers with restartPolicy Always), or the largest init container step if that is bigger (each regular
 * init container runs beside the sidecars started before it), plus the pod overhead.
 */
export function podRequests(pod: Pod): Resource {
  const spec = pod.spec;
  const total = new Resource();
  for (const c of spec.containers ?? []) total.addList((c as ContainerLike).resources?.requests);
  const initContainers = (spec.initContainers ?? []) as ContainerLike[];
  if (initContainers.length) {
    const sidecars = new Resource();
    const largestInitStep = new Resource();
    for (const c of initContainers) {
      const own = Resource.fromList(c.resources?.requests);
      if (c.restartPolicy === 'Always') {
        total.accumulate(own, 1);
        sidecars.accumulate(own, 1);
        largestInitStep.raiseTo(sidecars);
      } else {
        own.accumulate(sidecars, 1);
        largestInitStep.raiseTo(own);
      }
    }
    total.raiseTo(largestInitStep);
  }
  const podLevel = spec.resources?.requests as ResourceListLike | undefined;
  if (podLevel) {
    // Pod-level requests, where given, replace the container sum for that resource.
    const level = Resource.fromList(podLevel);
    if ('cpu' in podLevel) total.milliCPU = level.milliCPU;
    if ('memory' in podLevel) total.memory = level.memory;
  }
  total.addList(spec.overhead as ResourceListLike | undefined);
  return total;
}

/**
 * cpu and memory as the scoring plugins see them: a container that requests nothing counts as the defaults,
 * so that best-effort pods still spread instead of piling onto one node.
 */
export function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  const spec = pod.spec;
  let milliCPU = 0;
  let memory = 0;
  const podLevel = spec.resources?.requests as ResourceListLike | undefined;
  for (const c of spec.containers ?? []) {
    const req = (c as ContainerLike).resources?.requests;
    milliCPU += req && req.cpu !== undefined ? milliValue(req.cpu) : podLevel?.cpu !== undefined ? 0 : defaultMilliCPURequest;
    memory += req && req.memory !== undefined ? value(req.memory) : podLevel?.memory !== undefined ? 0 : defaultMemoryRequest;
  }
  if (podLevel?.cpu !== undefined) milliCPU = milliValue(podLevel.cpu);
  if (podLevel?.memory !== undefined) memory = value(podLevel.memory);
  let initCPU = 0;
  let initMemory = 0;
  let sidecarCPU = 0;
  let sidecarMemory = 0;
  for (const c of (spec.initContainers ?? []) as ContainerLike[]) {
    const req = c.resources?.requests;
    const cpu = req?.cpu !== undefined ? milliValue(req.cpu) : defaultMilliCPURequest;
    const mem = req?.memory !== undefined ? value(req.memory) : defaultMemoryRequest;
    if (c.restartPolicy === 'Always') {
      milliCPU += cpu;
      memory += mem;
      sidecarCPU += cpu;
      sidecarMemory += mem;
      initCPU = Math.max(initCPU, sidecarCPU);
      initMemory = Math.max(initMemory, sidecarMemory);
    } else {
      initCPU = Math.max(initCPU, cpu + sidecarCPU);
      initMemory = Math.max(initMemory, mem + sidecarMemory);
    }
  }
  milliCPU = Math.max(milliCPU, initCPU);
  memory = Math.max(memory, initMemory);
  const overhead = spec.overhead as ResourceListLike | undefined;
  if (overhead?.cpu !== undefined) milliCPU += milliValue(overhead.cpu);
  if (overhead?.memory !== undefined) memory += value(overhead.memory);
  return { milliCPU, memory };
}
