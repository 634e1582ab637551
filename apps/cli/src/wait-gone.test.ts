import { ProgressLine } from './progress-line';
import { PendingDeletions } from './wait-gone';

describe('PendingDeletions', () => {
  it('names every object still awaited, in the order they started waiting, and ends the status when none are left', () => {
    const chunks: string[] = [];
    const pending = new PendingDeletions(new ProgressLine({ isTTY: false, write: (t) => chunks.push(t) }));
    pending.gone('pod/never-waited');
    pending.waiting('pod/a');
    pending.waiting('pod/b');
    pending.waiting('pod/a');
    pending.gone('pod/a');
    pending.gone('pod/b');
    expect(chunks).toEqual(['Waiting for pod/a to be deleted...\n', 'Waiting for 2 objects to be deleted: pod/a, pod/b...\n', 'Waiting for pod/b to be deleted...\n']);
  });
});
