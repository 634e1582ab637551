import type { Pod } from '@skiff/api';
import { makePod } from '../testing/fixtures';
import { defaultMemoryRequest, defaultMilliCPURequest, nonZeroRequests, podRequests, Resource } from './resource';

function withInit(pod: Pod, init: { cpu: string; memory?: string; sidecar?: boolean }[]): Pod {
  pod.spec.initContainers = init.map((c, i) => ({
    name: `init${i}`,
    image: 'x',
    resources: { requests: { cpu: c.cpu, ...(c.memory ? { memory: c.memory } : {}) } },
    ...(c.sidecar ? { restartPolicy: 'Always' } : {}),
  }));
  return pod;
}

describe('pod requests', () => {
  it('sums containers and converts quantities to millicores and bytes', () => {
    const pod = makePod('p', { cpu: '250m', memory: '1Gi', extra: { 'example.com/gpu': '2' } });
    pod.spec.containers.push({ name: 'b', image: 'x', resources: { requests: { cpu: '0.5', memory: '512Mi' } } });
    const r = podRequests(pod);
    expect(r.milliCPU).toBe(750);
    expect(r.memory).toBe(1.5 * 1024 ** 3);
    expect(r.scalarOf('example.com/gpu')).toBe(2);
  });

  it('takes the largest init container when it exceeds the containers', () => {
    const r = podRequests(withInit(makePod('p', { cpu: '1' }), [{ cpu: '3' }, { cpu: '2' }]));
    expect(r.milliCPU).toBe(3000);
  });

  it('adds sidecars to the total and runs later init containers beside them', () => {
    // Sidecar 1 cpu runs with the app (1 cpu) = 2; the init container after it needs 2.5 + 1 = 3.5 at its step.
    const r = podRequests(withInit(makePod('p', { cpu: '1' }), [{ cpu: '1', sidecar: true }, { cpu: '2.5' }]));
    expect(r.milliCPU).toBe(3500);
    const r2 = podRequests(withInit(makePod('p', { cpu: '1' }), [{ cpu: '1', sidecar: true }, { cpu: '500m' }]));
    expect(r2.milliCPU).toBe(2000);
  });

  it('adds the pod overhead', () => {
    const pod = makePod('p', { cpu: '1', memory: '1Gi' });
    pod.spec.overhead = { cpu: '250m', memory: '120Mi' };
    const r = podRequests(pod);
    expect(r.milliCPU).toBe(1250);
    expect(r.memory).toBe(1024 ** 3 + 120 * 1024 ** 2);
  });

  it('counts containers without requests at the defaults for spreading only', () => {
    const pod = makePod('p');
    expect(podRequests(pod).isZero()).toBe(true);
    expect(nonZeroRequests(pod)).toEqual({ milliCPU: defaultMilliCPURequest, memory: defaultMemoryRequest });
    expect(nonZeroRequests(makePod('q', { cpu: '2' }))).toEqual({ milliCPU: 2000, memory: defaultMemoryRequest });
  });

  it('reads node allocatable including the pod count and extended resources', () => {
    const r = Resource.fromList({ cpu: '3500m', memory: '2Gi', pods: '30', 'ephemeral-storage': '10G', 'nvidia.com/gpu': '4' });
    expect([r.milliCPU, r.memory, r.allowedPodNumber, r.ephemeralStorage, r.scalarOf('nvidia.com/gpu')]).toEqual([3500, 2 * 1024 ** 3, 30, 10e9, 4]);
  });
});
