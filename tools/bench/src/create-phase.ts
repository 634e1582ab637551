import { performance } from 'node:perf_hooks';
import type { BenchPod } from './bench-pod';
import { forEachConcurrently } from './concurrent';
import type { Deadline } from './deadline';
import { type LoopbackClient, statusMessage } from './loopback-client';
import { changeKey, type PodWatch } from './pod-watch';

export interface CreateOutcome {
  created: number;
  failed: number;
  firstError?: string;
  /** From the first request sent to the last response received. */
  elapsedMs: number;
  /** Request latency of every successful create. */
  latenciesMs: number[];
  /** Average request body size. */
  podBytes: number;
  /** Response arrival → ADDED arrival, per created pod whose event came (0 when the event came first). */
  deliveryMs: number[];
  /** ADDED events that came before the create's own response did. */
  eventsBeforeResponse: number;
  /** Created pods whose ADDED event never came within the wait. */
  eventsMissing: number;
  names: string[];
}

interface Created {
  name: string;
  receivedAt: number;
  body: Buffer;
}

/**
 * Creates `pods` pods (the `podAt(index)` of each) from exactly `concurrency` workers, each sending its next
 * create as soon as its last one is answered, then matches every create to its ADDED event on `watch` (by
 * name and resourceVersion).
 */
export async function createPods(
  client: LoopbackClient,
  watch: PodWatch,
  o: { pods: number; concurrency: number; podAt: (index: number) => BenchPod; namespace: string; deadline: Deadline; eventWaitMs: number; phase: string },
): Promise<CreateOutcome> {
  const path = `/api/v1/namespaces/${o.namespace}/pods`;
  // Bodies are serialised up front so that the timed loop only sends.
  const pods = Array.from({ length: o.pods }, (_, i) => o.podAt(i));
  const bodies = pods.map((p) => JSON.stringify(p));
  const created: Created[] = [];
  const latenciesMs: number[] = [];
  let failed = 0;
  let firstError: string | undefined;

  const started = performance.now();
  await forEachConcurrently(o.pods, o.concurrency, async (i) => {
    o.deadline.check(o.phase);
    try {
      const reply = await client.request('POST', path, bodies[i]);
      if (reply.status === 201) {
        latenciesMs.push(reply.receivedAt - reply.sentAt);
        created.push({ name: pods[i].metadata.name, receivedAt: reply.receivedAt, body: reply.body });
      } else {
        failed++;
        firstError ??= `POST ${path} → ${reply.status}: ${statusMessage(reply.body)}`;
      }
    } catch (e) {
      failed++;
      firstError ??= `POST ${path}: ${(e as Error).message}`;
    }
  });
  const elapsedMs = performance.now() - started;

  const keys = created.map((c) => changeKey('ADDED', c.name, resourceVersionOf(c.body)));
  const eventsMissing = await watch.waitForAll(keys, o.deadline.cap(o.eventWaitMs));
  const deliveryMs: number[] = [];
  let eventsBeforeResponse = 0;
  created.forEach((c, i) => {
    const at = watch.arrivalOf(keys[i]);
    if (at === undefined) return;
    if (at < c.receivedAt) eventsBeforeResponse++;
    deliveryMs.push(Math.max(0, at - c.receivedAt));
  });

  return {
    created: created.length,
    failed,
    firstError,
    elapsedMs,
    latenciesMs,
    podBytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / Math.max(1, bodies.length),
    deliveryMs,
    eventsBeforeResponse,
    eventsMissing,
    names: created.map((c) => c.name),
  };
}

export function resourceVersionOf(body: Buffer): string {
  const rv = (JSON.parse(body.toString('utf8')) as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  if (!rv) throw new Error('the apiserver answered a write without metadata.resourceVersion');
  return rv;
}
