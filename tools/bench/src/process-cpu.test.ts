import { parseProcStatCpuSeconds, readProcessCpuSeconds } from './process-cpu';

describe('process CPU from /proc/<pid>/stat', () => {
  it('adds utime and stime (fields 14 and 15) in seconds', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 566 0 0 20 0 11 0 100 1000000 30000';
    expect(parseProcStatCpuSeconds(stat)).toBeCloseTo(18.0);
  });

  it('is not confused by a command name with spaces and parentheses', () => {
    const stat = '77 (my (odd) proc) R 1 77 77 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 5 100 10';
    expect(parseProcStatCpuSeconds(stat)).toBeCloseTo(3.0);
  });

  it('reads this very process and grows as it burns CPU', () => {
    const before = readProcessCpuSeconds(process.pid);
    expect(before).toBeDefined();
    // Burn 100 ms of CPU by this process's own account (bounded in wall time too).
    const start = process.cpuUsage();
    const wallLimit = Date.now() + 3000;
    while (process.cpuUsage(start).user < 100_000 && Date.now() < wallLimit) Math.sqrt(Math.random());
    expect(readProcessCpuSeconds(process.pid)!).toBeGreaterThan(before! + 0.03);
  });
});
