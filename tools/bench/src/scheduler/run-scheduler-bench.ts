import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { benchPod, runLabel, warmupLabel } from '../bench-pod';
import { reportLatency } from '../bench-result';
import { forEachConcurrently } from '../concurrent';
import { Deadline } from '../deadline';
import { LoopbackClient, statusMessage } from '../loopback-client';
import { ownCpuSeconds, readProcessCpuSeconds } from '../process-cpu';
import { readProcessMemory } from '../process-memory';
import { perSecond, rounded, summarize } from '../stats';
import { BindingWatch } from './binding-watch';
import { registerNodes } from './node-registration';
import { metricValue, SchedulerProcess } from './scheduler-process';
import type { SchedulerBenchOptions } from './scheduler-options';
import { schedulerGoals, type CpuReport, type SchedulerBenchResult } from './scheduler-result';

export interface SchedulerBenchTarget {
  url: URL;
  apiserverPid: number;
  etcdPid: number;
  etcdEndpoint: string;
}

interface CpuSnapshot {
  at: number;
  apiserver: number;
  etcd: number;
  scheduler: number;
  client: number;
}

const namespace = 'default';
const podsPath = `/api/v1/namespaces/${namespace}/pods`;

/** Nodes, then the scheduler, then (after a warm-up) the measured pods; see schedulerUsage. */
export async function runSchedulerBench(target: SchedulerBenchTarget, o: SchedulerBenchOptions, progress: (line: string) => void): Promise<SchedulerBenchResult> {
  const deadline = new Deadline(o.timeoutSeconds * 1000);
  const client = new LoopbackClient(target.url, o.concurrency);
  let scheduler: SchedulerProcess | undefined;
  let watch: BindingWatch | undefined;
  try {
    progress(`registering ${o.nodes} nodes`);
    const registrationStart = performance.now();
    const { viaEtcd } = await registerNodes(client, target.etcdEndpoint, o.nodes, 32);
    const registrationSeconds = (performance.now() - registrationStart) / 1000;
    if (viaEtcd) progress('node status written to etcd: the apiserver refuses `pods` in node capacity');

    progress('starting skiff-scheduler');
    scheduler = await SchedulerProcess.start(target.url.origin);
    const s = scheduler;
    await waitUntil(async () => metricValue(await s.metrics(), 'scheduler_cache_size{type="nodes"}') === o.nodes, deadline, 'the scheduler to see every node');

    const head = JSON.parse((await client.expect(200, 'GET', `${podsPath}?limit=1`)).body.toString('utf8')) as { metadata: { resourceVersion: string } };
    watch = await BindingWatch.open(target.url, `${podsPath}?watch=1&resourceVersion=${head.metadata.resourceVersion}&timeoutSeconds=${o.timeoutSeconds}`);
    const runId = randomBytes(3).toString('hex');

    let warmup: SchedulerBenchResult['warmup'] = null;
    if (o.warmup > 0) {
      progress(`warm-up: scheduling and deleting ${o.warmup} pods (run ${runId})`);
      const w = await schedulePods(client, watch, o.warmup, o.concurrency, (i) => benchPod(runId, i, 'warmup'), deadline);
      warmup = { pods: o.warmup, seconds: rounded(w.seconds, 3), podsPerSecond: rounded(perSecond(w.bound, w.seconds * 1000), 1) };
      const selector = encodeURIComponent(`${runLabel}=${runId},${warmupLabel}=true`);
      await client.expect(200, 'DELETE', `${podsPath}?labelSelector=${selector}&gracePeriodSeconds=0`);
      const w2 = watch;
      await w2.until(() => w.names.every((name) => w2.wasDeleted(name)), deadline.cap(60_000));
      await waitUntil(async () => metricValue(await s.metrics(), 'scheduler_cache_size{type="pods"}') === 0, deadline, 'the warm-up pods to leave the scheduler cache');
      await waitUntil(async () => metricValue(await s.metrics(), 'scheduler_event_writes_pending') === 0, deadline, 'the warm-up events to be written');
    }

    progress(`creating ${o.pods} pods with ${o.concurrency} creates in flight on ${o.nodes} nodes (run ${runId})`);
    const before = cpuSnapshot(target, s.pid);
    const run = await schedulePods(client, watch, o.pods, o.concurrency, (i) => benchPod(runId, i), deadline);
    const atLastBinding = cpuSnapshot(target, s.pid);
    await waitUntil(async () => metricValue(await s.metrics(), 'scheduler_event_writes_pending') === 0, deadline, 'the Scheduled events to be written');
    const afterEvents = cpuSnapshot(target, s.pid);

    const metrics = await s.metrics();
    const attempts = (result: string) => metricValue(metrics, `scheduler_schedule_attempts_total{result="${result}",profile="default-scheduler"}`) || 0;
    const cycleSum = metricValue(metrics, 'scheduler_scheduling_attempt_duration_seconds_sum{result="scheduled",profile="default-scheduler"}');
    const cycleCount = metricValue(metrics, 'scheduler_scheduling_attempt_duration_seconds_count{result="scheduled",profile="default-scheduler"}');
    const measured = {
      created: run.created,
      failed: run.failed,
      ...(run.firstError ? { firstError: run.firstError } : {}),
      bound: run.bound,
      unbound: run.created - run.bound,
      seconds: rounded(run.seconds, 3),
      podsPerSecond: rounded(perSecond(run.bound, run.seconds * 1000), 1),
      createSeconds: rounded(run.createSeconds, 3),
      createsPerSecond: rounded(perSecond(run.created, run.createSeconds * 1000), 1),
    };
    const partial = {
      benchmark: 'scheduler' as const,
      nodes: o.nodes,
      pods: o.pods,
      concurrency: o.concurrency,
      nodeStatusWrittenVia: viaEtcd ? ('etcd' as const) : ('api' as const),
      nodeRegistrationSeconds: rounded(registrationSeconds, 2),
      warmup,
      measured,
      latencyMs: reportLatency(summarize(run.latenciesMs)),
      cpu: cpuReport(before, atLastBinding, run.bound),
      cpuIncludingEvents: { ...cpuReport(before, afterEvents, run.bound), extraSeconds: rounded((afterEvents.at - atLastBinding.at) / 1000, 3) },
      scheduler: {
        attempts: { scheduled: attempts('scheduled'), unschedulable: attempts('unschedulable'), error: attempts('error') },
        meanCycleMs: rounded((cycleSum / cycleCount) * 1000, 4),
        eventsDropped: metricValue(metrics, 'scheduler_events_dropped_total') || 0,
        rssMiB: rounded(readProcessMemory(s.pid)?.rssMiB ?? NaN, 1),
      },
      apiserverRssMiB: rounded(readProcessMemory(target.apiserverPid)?.rssMiB ?? NaN, 1),
      environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length },
    };
    return { ...partial, goals: schedulerGoals(partial) };
  } catch (e) {
    if (scheduler) progress(`scheduler output:\n${scheduler.output.slice(-4000)}`);
    throw e;
  } finally {
    watch?.close();
    await scheduler?.stop();
    client.close();
  }
}

interface ScheduleOutcome {
  created: number;
  failed: number;
  firstError?: string;
  bound: number;
  names: string[];
  /** First create sent → last binding seen. */
  seconds: number;
  createSeconds: number;
  latenciesMs: number[];
}

/** Creates pods from `concurrency` workers and waits until the watch has seen every created pod bound. */
async function schedulePods(
  client: LoopbackClient,
  watch: BindingWatch,
  count: number,
  concurrency: number,
  podAt: (i: number) => ReturnType<typeof benchPod>,
  deadline: Deadline,
): Promise<ScheduleOutcome> {
  const pods = Array.from({ length: count }, (_, i) => podAt(i));
  const bodies = pods.map((p) => JSON.stringify(p));
  const createdAt = new Map<string, number>();
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  await forEachConcurrently(count, concurrency, async (i) => {
    deadline.check('pod creation');
    try {
      const reply = await client.request('POST', podsPath, bodies[i]);
      if (reply.status === 201) createdAt.set(pods[i].metadata.name, reply.receivedAt);
      else {
        failed++;
        firstError ??= `POST ${podsPath} → ${reply.status}: ${statusMessage(reply.body)}`;
      }
    } catch (e) {
      failed++;
      firstError ??= `POST ${podsPath}: ${(e as Error).message}`;
    }
  });
  const createSeconds = (performance.now() - start) / 1000;
  const names = [...createdAt.keys()];
  await watch.until(() => names.every((n) => watch.boundAt(n) !== undefined), deadline.cap(Math.max(60_000, count * 50)));
  let last = start;
  const latenciesMs: number[] = [];
  let bound = 0;
  for (const [name, created] of createdAt) {
    const at = watch.boundAt(name);
    if (at === undefined) continue;
    bound++;
    last = Math.max(last, at);
    latenciesMs.push(Math.max(0, at - created));
  }
  return { created: createdAt.size, failed, firstError, bound, names, seconds: (last - start) / 1000, createSeconds, latenciesMs };
}

async function waitUntil(check: () => Promise<boolean>, deadline: Deadline, what: string): Promise<void> {
  for (;;) {
    if (await check().catch(() => false)) return;
    deadline.check(`waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cpuSnapshot(t: SchedulerBenchTarget, schedulerPid: number): CpuSnapshot {
  return {
    at: performance.now(),
    apiserver: readProcessCpuSeconds(t.apiserverPid) ?? NaN,
    etcd: readProcessCpuSeconds(t.etcdPid) ?? NaN,
    scheduler: readProcessCpuSeconds(schedulerPid) ?? NaN,
    client: ownCpuSeconds(),
  };
}

function cpuReport(a: CpuSnapshot, b: CpuSnapshot, pods: number): CpuReport {
  const secs = (k: keyof Omit<CpuSnapshot, 'at'>) => b[k] - a[k];
  const perPod = (k: keyof Omit<CpuSnapshot, 'at'>) => rounded((secs(k) * 1000) / pods, 3);
  return {
    wallSeconds: rounded((b.at - a.at) / 1000, 3),
    apiserverSeconds: rounded(secs('apiserver'), 2),
    apiserverMsPerPod: perPod('apiserver'),
    etcdSeconds: rounded(secs('etcd'), 2),
    etcdMsPerPod: perPod('etcd'),
    schedulerSeconds: rounded(secs('scheduler'), 2),
    schedulerMsPerPod: perPod('scheduler'),
    benchmarkClientSeconds: rounded(secs('client'), 2),
    benchmarkClientMsPerPod: perPod('client'),
  };
}
