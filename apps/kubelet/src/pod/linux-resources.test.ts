import type { Container } from '@skiff/api';
import { containerOOMScoreAdj, linuxContainerResources, milliCPUToQuota, milliCPUToShares } from './linux-resources';
import { testContainer, testPod } from './test-fixtures';

const GiB = 1024 ** 3;
const nodeMemory = 8 * GiB;

function podWith(...containers: Container[]) {
  return testPod({ containers });
}

describe('cpu conversions', () => {
  it('turns milli-CPU into shares and quota like the kubelet', () => {
    expect(milliCPUToShares(0)).toBe(2);
    expect(milliCPUToShares(1)).toBe(2);
    expect(milliCPUToShares(100)).toBe(102);
    expect(milliCPUToShares(1000)).toBe(1024);
    expect(milliCPUToShares(1_000_000)).toBe(262144);
    expect(milliCPUToQuota(0)).toBe(0);
    expect(milliCPUToQuota(5)).toBe(1000);
    expect(milliCPUToQuota(250)).toBe(25000);
    expect(milliCPUToQuota(2000)).toBe(200000);
  });
});

describe('linuxContainerResources', () => {
  it('Guaranteed: shares from the request, quota and memory from the limits, oomScoreAdj -997', () => {
    const c = testContainer({ resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } } });
    expect(linuxContainerResources(podWith(c), c, nodeMemory)).toEqual({
      cpuShares: 512,
      cpuPeriod: 100000,
      cpuQuota: 50000,
      memoryLimitInBytes: 256 * 1024 * 1024,
      oomScoreAdj: -997,
    });
  });

  it('BestEffort: minimal shares, no quota, no memory limit, oomScoreAdj 1000', () => {
    const c = testContainer();
    expect(linuxContainerResources(podWith(c), c, nodeMemory)).toEqual({ cpuShares: 2, cpuPeriod: 100000, cpuQuota: 0, oomScoreAdj: 1000 });
  });

  it('Burstable: oomScoreAdj scales with the memory request within [3, 999]', () => {
    const half = testContainer({ resources: { requests: { memory: '4Gi' } } });
    expect(linuxContainerResources(podWith(half), half, nodeMemory).oomScoreAdj).toBe(500);
    const tiny = testContainer({ resources: { requests: { cpu: '100m' } } });
    expect(containerOOMScoreAdj(podWith(tiny), tiny, nodeMemory)).toBe(999);
    const huge = testContainer({ resources: { requests: { memory: '8Gi' }, limits: { memory: '16Gi' } } });
    expect(containerOOMScoreAdj(podWith(huge), huge, nodeMemory)).toBe(3);
  });

  it('takes cpu shares from the limit when only the limit is set', () => {
    const c = testContainer({ resources: { limits: { cpu: '2' } } });
    const r = linuxContainerResources(podWith(c), c, nodeMemory);
    expect(r.cpuShares).toBe(2048);
    expect(r.cpuQuota).toBe(200000);
  });

  it('uses the QoS class recorded in the pod status when present', () => {
    const c = testContainer();
    const pod = podWith(c);
    pod.status = { qosClass: 'Guaranteed' };
    expect(containerOOMScoreAdj(pod, c, nodeMemory)).toBe(-997);
  });

  it('protects node-critical pods like Guaranteed ones', () => {
    const c = testContainer();
    const pod = testPod({ containers: [c], priorityClassName: 'system-node-critical', priority: 2_000_001_000 });
    expect(containerOOMScoreAdj(pod, c, nodeMemory)).toBe(-997);
  });
});
