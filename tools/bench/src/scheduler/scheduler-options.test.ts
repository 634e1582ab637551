import { UsageError } from '../options';
import { parseSchedulerBenchArgs } from './scheduler-options';

describe('skiff-bench scheduler flags', () => {
  it('defaults to 2,000 pods on 100 nodes', () => {
    expect(parseSchedulerBenchArgs(['scheduler'])).toEqual({ nodes: 100, pods: 2000, concurrency: 32, warmup: 500, json: false, timeoutSeconds: 600 });
  });

  it('reads the sizes and caps the concurrency at the pod count', () => {
    expect(parseSchedulerBenchArgs(['scheduler', '--nodes', '5000', '--pods=10', '--json', '--warmup=0'])).toMatchObject({ nodes: 5000, pods: 10, concurrency: 10, warmup: 0, json: true });
  });

  it('rejects bad values and unknown flags with a usage error', () => {
    expect(() => parseSchedulerBenchArgs(['scheduler', '--nodes', '0'])).toThrow(UsageError);
    expect(() => parseSchedulerBenchArgs(['scheduler', '--nodes', 'many'])).toThrow(/--nodes must be a whole number/);
    expect(() => parseSchedulerBenchArgs(['scheduler', '--frobnicate'])).toThrow(UsageError);
    expect(() => parseSchedulerBenchArgs(['apiserver'])).toThrow(/skiff-bench scheduler/);
  });
});
