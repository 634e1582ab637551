import { podQOSClass, Quantity, type Container, type Pod } from '@skiff/api';
import type { LinuxContainerResources } from '@skiff/cri';

const minShares = 2;
const maxShares = 262144;
const sharesPerCPU = 1024;
const cfsPeriodMicros = 100_000;
const minQuotaMicros = 1_000;

export const guaranteedOOMScoreAdj = -997;
export const bestEffortOOMScoreAdj = 1000;
const systemCriticalPriority = 2_000_000_000;

/** The kubelet's cpu.shares for a milli-CPU request: 1024 per CPU, at least 2. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return minShares;
  return Math.min(maxShares, Math.max(minShares, Math.floor((milliCPU * sharesPerCPU) / 1000)));
}

/** The CFS quota for a milli-CPU limit over `period` µs; 0 (no quota) without a limit, else at least 1 ms. */
export function milliCPUToQuota(milliCPU: number, period = cfsPeriodMicros): number {
  if (milliCPU === 0) return 0;
  return Math.max(minQuotaMicros, Math.floor((milliCPU * period) / 1000));
}

function amount(list: Record<string, string | number> | undefined, name: string): Quantity | undefined {
  const v = list?.[name];
  return v === undefined ? undefined : Quantity.parse(v);
}

/** A node-critical pod (system-node-critical at system-critical priority) is protected like a Guaranteed one. */
function isNodeCritical(pod: Pod): boolean {
  return pod.spec.priorityClassName === 'system-node-critical' && (pod.spec.priority ?? 0) >= systemCriticalPriority;
}

/**
 * The OOM score adjustment of a container by its pod's QoS class: Guaranteed -997, BestEffort 1000, Burstable
 * 1000 - 1000 × memory request / node memory, kept within [3, 999] so that it stays above any Guaranteed
 * container and below any BestEffort one.
 */
export function containerOOMScoreAdj(pod: Pod, container: Container, nodeMemoryCapacity: number): number {
  if (isNodeCritical(pod)) return guaranteedOOMScoreAdj;
  const qos = pod.status?.qosClass ?? podQOSClass(pod);
  if (qos === 'Guaranteed') return guaranteedOOMScoreAdj;
  if (qos === 'BestEffort') return bestEffortOOMScoreAdj;
  const request = amount(container.resources?.requests, 'memory')?.value() ?? 0;
  const adj = nodeMemoryCapacity > 0 ? 1000 - Math.floor((1000 * request) / nodeMemoryCapacity) : bestEffortOOMScoreAdj;
  if (adj < 1000 + guaranteedOOMScoreAdj) return 1000 + guaranteedOOMScoreAdj;
  if (adj === bestEffortOOMScoreAdj) return adj - 1;
  return adj;
}

/**
 * The cgroup settings of a container from its requests and limits: cpu shares from the cpu request (the limit
 * when only that is set; 2 when neither), a CFS quota over a 100 ms period from the cpu limit (0 = unlimited),
 * the memory limit in bytes, and the OOM score adjustment for its QoS class.
 */
export function linuxContainerResources(pod: Pod, container: Container, nodeMemoryCapacity: number): LinuxContainerResources {
  const cpuRequest = amount(container.resources?.requests, 'cpu');
  const cpuLimit = amount(container.resources?.limits, 'cpu');
  const memoryLimit = amount(container.resources?.limits, 'memory');
  const sharesFrom = (!cpuRequest || cpuRequest.isZero()) && cpuLimit && !cpuLimit.isZero() ? cpuLimit : cpuRequest;
  const resources: LinuxContainerResources = {
    cpuShares: milliCPUToShares(sharesFrom?.milliValue() ?? 0),
    cpuPeriod: cfsPeriodMicros,
    cpuQuota: milliCPUToQuota(cpuLimit?.milliValue() ?? 0),
    oomScoreAdj: containerOOMScoreAdj(pod, container, nodeMemoryCapacity),
  };
  const memory = memoryLimit?.value() ?? 0;
  if (memory !== 0) resources.memoryLimitInBytes = memory;
  return resources;
}
