import type { KObject, ResourceType } from '@skiff/api';
import { isNotFound } from '@skiff/client';
import type { CliContext } from './cli-context';
import { CliError } from './errors';
import { objectRef } from './object-ref';

const pollMs = 250;

/**
 * Resolves once the object is gone (or replaced by a new object with another uid); `timeoutMs` 0 waits forever.
 * Polling keeps this simple and correct across apiserver restarts.
 */
export async function waitUntilGone(ctx: CliContext, type: ResourceType, namespace: string | undefined, name: string, uid: string | undefined, timeoutMs: number): Promise<void> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  for (;;) {
    try {
      const live = await ctx.client.get<KObject>(type, namespace, name);
      if (uid && live.metadata.uid !== uid) return;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (Date.now() >= deadline) throw new CliError(`timed out waiting for ${objectRef(type, name)} to be deleted`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
