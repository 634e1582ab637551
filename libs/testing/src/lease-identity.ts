import type { ProcessHandle } from './process-handle';

/**
 * The identity a scheduler or controller-manager started with --leader-elect campaigns under (the Lease's
 * holderIdentity when it leads), read from its "campaigning for leadership" log line as soon as it is printed,
 * before later output can push it out of the kept tail. Rejects if the process exits first.
 */
export function campaignIdentity(proc: ProcessHandle): Promise<string> {
  const identity = proc.waitForOutput(/^.*campaigning for leadership.*$/m, 60_000).then((m) => {
    const id = /"identity":"([^"]+)"/.exec(m[0]);
    if (!id) throw new Error(`${proc.name} printed no identity: ${m[0]}`);
    return id[1];
  });
  // Kept for later callers; a process that never campaigns must not fail the test run on its own.
  identity.catch(() => undefined);
  return identity;
}
