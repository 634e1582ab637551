import type { KObject, ResourceType } from '@skiff/api';
import { isNotFound } from '@skiff/client';
import type { CliContext } from './cli-context';
import { CliError } from './errors';
import { objectRef } from './object-ref';
import type { ProgressLine } from './progress-line';

const pollMs = 250;

/** An object awaited until it is gone; a uid lets a re-created object of the same name count as gone. */
export interface DeletedObject {
  type: ResourceType;
  namespace?: string;
  name: string;
  uid?: string;
}

/** The objects still being waited on, shown as one progress status (only once a wait actually takes time). */
export class PendingDeletions {
  private readonly pending: string[] = [];

  constructor(private readonly progress: ProgressLine) {}

  waiting(ref: string): void {
    if (this.pending.includes(ref)) return;
    this.pending.push(ref);
    this.show();
  }

  gone(ref: string): void {
    const i = this.pending.indexOf(ref);
    if (i < 0) return;
    this.pending.splice(i, 1);
    this.show();
  }

  private show(): void {
    if (this.pending.length === 0) this.progress.clear();
    else if (this.pending.length === 1) this.progress.update(`Waiting for ${this.pending[0]} to be deleted...`);
    else this.progress.update(`Waiting for ${this.pending.length} objects to be deleted: ${this.pending.join(', ')}...`);
  }
}

/**
 * Resolves once the object is gone (or replaced by a new object with another uid); `timeoutMs` 0 waits forever.
 * Polling keeps this simple and correct across apiserver restarts.
 */
export async function waitUntilGone(ctx: CliContext, target: DeletedObject, timeoutMs: number, pending?: PendingDeletions): Promise<void> {
  const { type, namespace, name, uid } = target;
  const ref = objectRef(type, name);
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  for (;;) {
    try {
      const live = await ctx.client.get<KObject>(type, namespace, name);
      if (uid && live.metadata.uid !== uid) break;
    } catch (err) {
      if (isNotFound(err)) break;
      throw err;
    }
    if (Date.now() >= deadline) throw new CliError(`timed out waiting for ${ref} to be deleted`);
    pending?.waiting(ref);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  pending?.gone(ref);
}
