import { forEachConcurrently } from './concurrent';

describe('forEachConcurrently', () => {
  it('runs every index once with no more than `concurrency` in flight, and that many at the peak', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let peak = 0;
    await forEachConcurrently(20, 4, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      seen.push(i);
      inFlight--;
    });
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(4);
  });

  it('does nothing for a count of 0 and rejects when a task throws', async () => {
    const task = jest.fn(async () => undefined);
    await forEachConcurrently(0, 8, task);
    expect(task).not.toHaveBeenCalled();
    await expect(forEachConcurrently(5, 2, async (i) => { if (i === 3) throw new Error('boom'); })).rejects.toThrow('boom');
  });
});
