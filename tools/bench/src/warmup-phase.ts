import { performance } from 'node:perf_hooks';
import { benchPod } from './bench-pod';
import { forEachConcurrently } from './concurrent';
import { createPods, type CreateOutcome } from './create-phase';
import type { Deadline } from './deadline';
import { type LoopbackClient, statusMessage } from './loopback-client';
import { anyVersionKey, type PodWatch } from './pod-watch';

export interface WarmupOutcome {
  creates: CreateOutcome;
  deleted: number;
  deleteFailed: number;
  firstDeleteError?: string;
  /** From the first DELETE sent to the last DELETED event seen (or the wait given up). */
  deleteElapsedMs: number;
  /** Deleted pods whose DELETED event did not come within the wait. */
  deletesUnseen: number;
}

/**
 * Creates `pods` warm-up pods exactly as the measured phase will, then deletes each one (they are unscheduled,
 * so they go at once) with the same concurrency and waits until `watch` has seen them go. The apiserver is a
 * Node process: its first thousand requests run through a JIT that is still compiling, which a long-running
 * server has long left behind.
 */
export async function warmUp(
  client: LoopbackClient,
  watch: PodWatch,
  o: { pods: number; concurrency: number; runId: string; namespace: string; deadline: Deadline; eventWaitMs: number },
): Promise<WarmupOutcome> {
  const creates = await createPods(client, watch, {
    pods: o.pods,
    concurrency: o.concurrency,
    podAt: (i) => benchPod(o.runId, i, 'warmup'),
    namespace: o.namespace,
    deadline: o.deadline,
    eventWaitMs: o.eventWaitMs,
    phase: 'the warm-up creates',
  });

  const path = `/api/v1/namespaces/${o.namespace}/pods`;
  const deleted: string[] = [];
  let deleteFailed = 0;
  let firstDeleteError: string | undefined;
  const started = performance.now();
  await forEachConcurrently(creates.names.length, o.concurrency, async (i) => {
    o.deadline.check('the warm-up deletes');
    const name = creates.names[i];
    try {
      const reply = await client.request('DELETE', `${path}/${name}?gracePeriodSeconds=0`);
      if (reply.status === 200 || reply.status === 202) {
        deleted.push(name);
      } else {
        deleteFailed++;
        firstDeleteError ??= `DELETE ${path}/${name} → ${reply.status}: ${statusMessage(reply.body)}`;
      }
    } catch (e) {
      deleteFailed++;
      firstDeleteError ??= `DELETE ${path}/${name}: ${(e as Error).message}`;
    }
  });
  const deletesUnseen = await watch.waitForAll(
    deleted.map((name) => anyVersionKey('DELETED', name)),
    o.deadline.cap(o.eventWaitMs),
  );
  return {
    creates,
    deleted: deleted.length,
    deleteFailed,
    ...(firstDeleteError ? { firstDeleteError } : {}),
    deleteElapsedMs: performance.now() - started,
    deletesUnseen,
  };
}
