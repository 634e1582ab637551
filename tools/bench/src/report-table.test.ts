import { evaluateGoals } from './goals';
import { renderTable } from './report-table';
import { sampleBenchResult } from './sample-bench-result';

const table = (over: Parameters<typeof sampleBenchResult>[0] = {}) => {
  const m = sampleBenchResult(over);
  return renderTable({ ...m, goals: evaluateGoals(m) });
};

describe('renderTable', () => {
  it('shows the cold warm-up rate and the measured rate on separate rows', () => {
    const lines = table().split('\n');
    expect(lines.find((l) => l.startsWith('pod creates, warm-up (cold server)'))).toMatch(/400\/s over 2\.50 s\s+70\.0 ms\s+160\.0 ms/);
    expect(lines.find((l) => l.startsWith('pod creates, measured (warm server)'))).toMatch(/1333\/s over 1\.50 s\s+20\.0 ms\s+40\.0 ms/);
  });

  it('says when the warm-up was off, and names warm-up failures', () => {
    expect(table({ warmup: null })).toContain('pod creates, warm-up: none (--warmup 0)');
    const failing = { ...sampleBenchResult().warmup!, deleteFailed: 3, firstDeleteError: 'DELETE x → 500: boom', deletesUnseenOnWatch: 2 };
    const text = table({ warmup: failing });
    expect(text).toContain('3 warm-up deletes failed; first: DELETE x → 500: boom');
    expect(text).toContain('2 warm-up DELETED events never arrived');
  });
});
