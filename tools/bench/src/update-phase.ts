import type { Deadline } from './deadline';
import type { LoopbackClient } from './loopback-client';
import { resourceVersionOf } from './create-phase';
import { changeKey, type PodWatch } from './pod-watch';

export interface QuietUpdateOutcome {
  updates: number;
  /** Response arrival → MODIFIED arrival for each update whose event came (0 when the event came first). */
  deliveryMs: number[];
  eventsBeforeResponse: number;
  eventsMissing: number;
}

/**
 * Patches one pod `count` times with a single request in flight, waiting for each MODIFIED event before the
 * next write: delivery latency on an otherwise idle server, without the create burst's queueing.
 */
export async function quietUpdates(
  client: LoopbackClient,
  watch: PodWatch,
  o: { namespace: string; podName: string; count: number; deadline: Deadline; eventWaitMs: number },
): Promise<QuietUpdateOutcome> {
  const path = `/api/v1/namespaces/${o.namespace}/pods/${o.podName}`;
  const deliveryMs: number[] = [];
  let eventsBeforeResponse = 0;
  let eventsMissing = 0;
  for (let i = 0; i < o.count; i++) {
    o.deadline.check('the quiet update loop');
    const patch = JSON.stringify({ metadata: { annotations: { 'bench.skiff.dev/update': String(i) } } });
    const reply = await client.expect(200, 'PATCH', path, patch, 'application/merge-patch+json');
    const at = await watch.waitFor(changeKey('MODIFIED', o.podName, resourceVersionOf(reply.body)), o.deadline.cap(o.eventWaitMs));
    if (at === undefined) {
      eventsMissing++;
      // A stream that has ended will not deliver the rest either.
      if (watch.endedBecause) break;
      continue;
    }
    if (at < reply.receivedAt) eventsBeforeResponse++;
    deliveryMs.push(Math.max(0, at - reply.receivedAt));
  }
  return { updates: o.count, deliveryMs, eventsBeforeResponse, eventsMissing };
}
