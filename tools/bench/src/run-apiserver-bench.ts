import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { benchPod, runLabel } from './bench-pod';
import type { BenchResult, WarmupResult } from './bench-result';
import { reportLatency } from './bench-result';
import { createPods } from './create-phase';
import { Deadline } from './deadline';
import { evaluateGoals } from './goals';
import { listFromCache, listFromEtcd } from './list-phase';
import { LoopbackClient } from './loopback-client';
import { PodWatch } from './pod-watch';
import { ownCpuSeconds, readProcessCpuSeconds } from './process-cpu';
import { readProcessMemory } from './process-memory';
import { perSecond, rounded, summarize } from './stats';
import { quietUpdates } from './update-phase';
import { warmUp, type WarmupOutcome } from './warmup-phase';

export interface BenchTarget {
  url: URL;
  /** The apiserver's PID, when its memory and CPU can be read. */
  pid?: number;
  etcdPid?: number;
  startedByBenchmark: boolean;
}

export interface RunOptions {
  pods: number;
  concurrency: number;
  /** Pods created and deleted before the measured creates (0: none). */
  warmup: number;
  timeoutSeconds: number;
  namespace?: string;
  /** Sequential updates for the quiet watch measurement. */
  quietUpdates?: number;
  /** Delete the run's pods at the end (for a server the benchmark did not start). */
  cleanUp?: boolean;
  /** Progress lines go here (stderr), so stdout stays the report. */
  progress?: (line: string) => void;
}

const eventWaitMs = 30_000;

/** Runs every phase against one apiserver and returns the measurements with the goals evaluated. */
export async function runApiserverBench(target: BenchTarget, o: RunOptions): Promise<BenchResult> {
  const namespace = o.namespace ?? 'default';
  const deadline = new Deadline(o.timeoutSeconds * 1000);
  const progress = o.progress ?? (() => undefined);
  const runId = randomBytes(3).toString('hex');
  const client = new LoopbackClient(target.url, o.concurrency);
  const podsPath = `/api/v1/namespaces/${namespace}/pods`;
  let watch: PodWatch | undefined;
  try {
    const memoryAtStart = target.pid ? readProcessMemory(target.pid) : undefined;

    // The watch starts at the current revision, so it carries exactly the changes made from here on.
    const head = JSON.parse((await client.expect(200, 'GET', `${podsPath}?limit=1`)).body.toString('utf8')) as { metadata: { resourceVersion: string } };
    watch = await PodWatch.open(target.url, `${podsPath}?watch=1&resourceVersion=${head.metadata.resourceVersion}&timeoutSeconds=${o.timeoutSeconds}`);

    let warmup: WarmupOutcome | undefined;
    if (o.warmup > 0) {
      progress(`warm-up: creating and deleting ${o.warmup} pods with ${o.concurrency} requests in flight (run ${runId})`);
      warmup = await warmUp(client, watch, { pods: o.warmup, concurrency: o.concurrency, runId, namespace, deadline, eventWaitMs });
    }

    progress(`creating ${o.pods} pods with ${o.concurrency} requests in flight (run ${runId})`);
    const cpuBefore = cpuSnapshot(target);
    const creates = await createPods(client, watch, {
      pods: o.pods,
      concurrency: o.concurrency,
      podAt: (i) => benchPod(runId, i),
      namespace,
      deadline,
      eventWaitMs,
      phase: 'pod creation',
    });
    const cpuAfter = cpuSnapshot(target);
    const memoryAfterCreates = target.pid ? readProcessMemory(target.pid) : undefined;
    if (creates.created === 0) throw new Error(`no pod could be created: ${creates.firstError ?? 'unknown error'}`);

    const updateCount = o.quietUpdates ?? 200;
    progress(`${updateCount} sequential updates, timing their MODIFIED events`);
    const updates = await quietUpdates(client, watch, { namespace, podName: creates.names[0], count: updateCount, deadline, eventWaitMs: 5_000 });

    progress('listing from the watch cache and from etcd');
    const cached = await listFromCache(client, { namespace, warmups: 3, rounds: 20, deadline });
    const pageLimit = 500;
    const consistent = await listFromEtcd(client, { namespace, limit: pageLimit, maxPages: Math.ceil((o.pods * 10) / pageLimit) + 10, deadline });
    const memoryAtEnd = target.pid ? readProcessMemory(target.pid) : undefined;

    const createSummary = summarize(creates.latenciesMs);
    const measured: Omit<BenchResult, 'goals'> = {
      benchmark: 'apiserver',
      server: target.url.origin,
      controlPlane: target.startedByBenchmark ? 'started by the benchmark' : 'given with --server',
      namespace,
      pods: o.pods,
      concurrency: o.concurrency,
      podBytes: Math.round(creates.podBytes),
      warmup: warmup ? reportWarmup(o.warmup, warmup) : null,
      creates: {
        created: creates.created,
        failed: creates.failed,
        ...(creates.firstError ? { firstError: creates.firstError } : {}),
        seconds: rounded(creates.elapsedMs / 1000, 3),
        perSecond: rounded(perSecond(creates.created, creates.elapsedMs), 1),
        latencyMs: reportLatency(createSummary),
      },
      watchAdded: {
        delivered: creates.deliveryMs.length,
        missing: creates.eventsMissing,
        beforeResponse: creates.eventsBeforeResponse,
        latencyMs: reportLatency(summarize(creates.deliveryMs)),
      },
      watchModified: {
        updates: updates.updates,
        delivered: updates.deliveryMs.length,
        missing: updates.eventsMissing,
        beforeResponse: updates.eventsBeforeResponse,
        latencyMs: reportLatency(summarize(updates.deliveryMs)),
      },
      listFromCache: { items: cached.items, bytes: cached.bytes, warmups: 3, rounds: 20, latencyMs: reportLatency(summarize(cached.latenciesMs)) },
      listFromEtcd: { items: consistent.items, bytes: consistent.bytes, pages: consistent.pages, pageLimit, ms: rounded(consistent.ms, 3) },
      cpuDuringCreates: {
        wallSeconds: rounded((cpuAfter.at - cpuBefore.at) / 1000, 3),
        apiserverSeconds: rounded(cpuAfter.apiserver - cpuBefore.apiserver, 2),
        apiserverMsPerCreate: rounded(((cpuAfter.apiserver - cpuBefore.apiserver) * 1000) / creates.created, 3),
        etcdSeconds: rounded(cpuAfter.etcd - cpuBefore.etcd, 2),
        benchmarkClientSeconds: rounded(cpuAfter.client - cpuBefore.client, 2),
      },
      apiserverMemory: target.pid
        ? {
            pid: target.pid,
            baselineRssMiB: rounded(memoryAtStart?.rssMiB ?? NaN, 1),
            rssAfterCreatesMiB: rounded(memoryAfterCreates?.rssMiB ?? NaN, 1),
            peakRssMiB: rounded(memoryAtEnd?.peakMiB ?? memoryAfterCreates?.peakMiB ?? NaN, 1),
          }
        : { unavailable: 'the apiserver PID is unknown: pass --apiserver-pid with --server' },
      ...(watch.endedBecause ? { watchEndedEarly: watch.endedBecause } : {}),
      environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length },
    };
    return { ...measured, goals: evaluateGoals(measured) };
  } finally {
    watch?.close();
    if (o.cleanUp) {
      progress(`deleting the run's pods (label ${runLabel}=${runId})`);
      await client
        .request('DELETE', `${podsPath}?labelSelector=${encodeURIComponent(`${runLabel}=${runId}`)}&gracePeriodSeconds=0`)
        .then((r) => r.status === 200 || progress(`could not delete the run's pods: HTTP ${r.status}`))
        .catch((e: Error) => progress(`could not delete the run's pods: ${e.message}`));
    }
    client.close();
  }
}

function reportWarmup(pods: number, w: WarmupOutcome): WarmupResult {
  return {
    pods,
    created: w.creates.created,
    failed: w.creates.failed,
    ...(w.creates.firstError ? { firstError: w.creates.firstError } : {}),
    seconds: rounded(w.creates.elapsedMs / 1000, 3),
    perSecond: rounded(perSecond(w.creates.created, w.creates.elapsedMs), 1),
    latencyMs: reportLatency(summarize(w.creates.latenciesMs)),
    deleted: w.deleted,
    deleteFailed: w.deleteFailed,
    ...(w.firstDeleteError ? { firstDeleteError: w.firstDeleteError } : {}),
    deleteSeconds: rounded(w.deleteElapsedMs / 1000, 3),
    deletesUnseenOnWatch: w.deletesUnseen,
  };
}

/** CPU seconds used so far by each process we know; NaN for one we cannot read (reported as null). */
function cpuSnapshot(target: BenchTarget): { at: number; apiserver: number; etcd: number; client: number } {
  return {
    at: performance.now(),
    apiserver: (target.pid && readProcessCpuSeconds(target.pid)) ?? NaN,
    etcd: (target.etcdPid && readProcessCpuSeconds(target.etcdPid)) ?? NaN,
    client: ownCpuSeconds(),
  };
}
