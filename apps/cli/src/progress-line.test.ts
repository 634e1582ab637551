import { ProgressLine } from './progress-line';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (text: string) => chunks.push(text) };
}

describe('ProgressLine', () => {
  it('writes each new status as its own plain line when not on a terminal, without repeats or control characters', () => {
    const s = stream(false);
    const progress = new ProgressLine(s);
    progress.update('Waiting for 2 objects to be deleted: pod/a, pod/b...');
    progress.update('Waiting for 2 objects to be deleted: pod/a, pod/b...');
    progress.print('pod/a evicted');
    progress.update('Waiting for pod/b to be deleted...');
    progress.clear();
    expect(s.chunks.join('')).toBe('Waiting for 2 objects to be deleted: pod/a, pod/b...\npod/a evicted\nWaiting for pod/b to be deleted...\n');
  });

  it('redraws the status in place on a terminal, keeps lasting lines above it, and erases it at the end', () => {
    const s = stream(true);
    const progress = new ProgressLine(s);
    progress.update('Waiting for pod/a...');
    progress.update('Waiting for pod/a...');
    progress.update('Waiting for pod/b...');
    progress.print('pod/a evicted');
    progress.clear();
    progress.print('node/n1 drained');
    expect(s.chunks).toEqual(['\r\x1b[KWaiting for pod/a...', '\r\x1b[KWaiting for pod/b...', '\r\x1b[Kpod/a evicted\nWaiting for pod/b...', '\r\x1b[K', 'node/n1 drained\n']);
  });
});
