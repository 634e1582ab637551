/**
 * Calls `task` once for each index below `count` from exactly `concurrency` workers, each starting its next
 * index as soon as its last one settled: a fixed number of requests in flight, as a busy client keeps.
 */
export async function forEachConcurrently(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
