import { parseProcStatusMemory, readProcessMemory } from './process-memory';

describe('process memory from /proc/<pid>/status', () => {
  it('reads VmRSS and VmHWM in MiB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  153600 kB\nThreads:\t11\n';
    expect(parseProcStatusMemory(status)).toEqual({ rssMiB: 150, peakMiB: 200 });
  });

  it('is undefined without a VmRSS line (kernel threads have none)', () => {
    expect(parseProcStatusMemory('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeUndefined();
  });

  it('is undefined for a process that does not exist', () => {
    expect(readProcessMemory(2 ** 22 + 1)).toBeUndefined();
  });
});
