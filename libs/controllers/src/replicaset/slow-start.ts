/**
 * Runs `count` calls in batches of 1, 2, 4, ... (doubling), stopping after the first batch with a failure, so a
 * quota or admission error costs one request instead of hundreds. Returns how many calls succeeded.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, call: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => call()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}
