import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { CriClient } from '@skiff/cri';
import { pushNodeImages, TestKubelet, TestRegistry, TestScheduler, type TestControlPlane } from '@skiff/testing';
import { reportLatency } from '../bench-result';
import { Deadline } from '../deadline';
import { LoopbackClient, statusMessage } from '../loopback-client';
import { ownCpuSeconds, readProcessCpuSeconds } from '../process-cpu';
import { readProcessMemory } from '../process-memory';
import { rounded, summarize } from '../stats';
import type { KubeletBenchOptions } from './kubelet-options';
import { kubeletGoals, type KubeletBenchCpu, type KubeletBenchResult } from './kubelet-result';
import { PodStartWatch, type PodStartTimes } from './pod-start-watch';

const namespace = 'default';
const podsPath = `/api/v1/namespaces/${namespace}/pods`;
const runLabel = 'bench.skiff.dev/run';

/**
 * A small real workload: busybox that stops at once on SIGTERM (`wait` returns when a trapped signal arrives), so
 * deletes measure the kubelet rather than a grace period. IfNotPresent: the image was pulled before the run, and an
 * untagged image would otherwise be pulled again for every pod.
 */
function benchPod(runId: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { [runLabel]: runId } },
    spec: {
      containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }],
      terminationGracePeriodSeconds: 5,
    },
  };
}

interface Pids {
  kubelet: number;
  containerd: number;
  apiserver: number;
  etcd: number;
  scheduler: number;
}

interface CpuSnapshot {
  at: number;
  seconds: Record<keyof Pids, number>;
  client: number;
  host: { busy: number; total: number };
}

/** Busy and total ticks of all CPUs from /proc/stat (busy: everything but idle and iowait). */
function hostTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

function cpuSnapshot(pids: Pids): CpuSnapshot {
  const seconds = {} as Record<keyof Pids, number>;
  for (const k of Object.keys(pids) as Array<keyof Pids>) seconds[k] = readProcessCpuSeconds(pids[k]) ?? NaN;
  return { at: performance.now(), seconds, client: ownCpuSeconds(), host: hostTicks() };
}

function cpuReport(a: CpuSnapshot, b: CpuSnapshot, pods: number): KubeletBenchCpu {
  const s = (k: keyof Pids) => b.seconds[k] - a.seconds[k];
  return {
    wallSeconds: rounded((b.at - a.at) / 1000, 3),
    kubeletSeconds: rounded(s('kubelet'), 2),
    kubeletMsPerPod: rounded((s('kubelet') * 1000) / pods, 1),
    containerdSeconds: rounded(s('containerd'), 2),
    containerdMsPerPod: rounded((s('containerd') * 1000) / pods, 1),
    apiserverSeconds: rounded(s('apiserver'), 2),
    etcdSeconds: rounded(s('etcd'), 2),
    schedulerSeconds: rounded(s('scheduler'), 2),
    hostBusyPercent: rounded((100 * (b.host.busy - a.host.busy)) / (b.host.total - a.host.total), 0),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The run in progress, so that Ctrl-C can remove its node (bridge, containerd, containers) before exiting.
let teardown: (() => Promise<void>) | undefined;

/** Stops and removes what the running benchmark started beyond the control plane. */
export async function interruptKubeletBench(): Promise<void> {
  await teardown?.();
}

/** Registry, scheduler and one real node on the control plane the program started; see kubeletUsage. */
export async function runKubeletBench(cp: TestControlPlane, o: KubeletBenchOptions, progress: (line: string) => void): Promise<KubeletBenchResult> {
  const deadline = new Deadline(o.timeoutSeconds * 1000);
  const base = new URL(cp.apiserver.url);
  const client = new LoopbackClient(base, 8);
  let registry: TestRegistry | undefined;
  let scheduler: TestScheduler | undefined;
  let kubelet: TestKubelet | undefined;
  let watch: PodStartWatch | undefined;
  let tornDown: Promise<void> | undefined;
  teardown = () =>
    (tornDown ??= (async () => {
      watch?.close();
      client.close();
      if (kubelet) await kubelet.cleanup().catch((e: Error) => progress(`cleanup: ${e.message}`));
      await scheduler?.stop();
      await registry?.destroy();
    })());
  try {
    progress('starting a registry with the node images and skiff-scheduler');
    registry = await TestRegistry.start();
    await pushNodeImages(registry.url);
    scheduler = await TestScheduler.start(cp);
    progress(`starting skiff-kubelet with its own containerd (pod CIDR ${o.podCIDR}, bridge ${o.bridge})`);
    kubelet = await TestKubelet.start({
      controlPlane: cp,
      registryUrl: registry.url,
      podCIDR: o.podCIDR,
      bridge: o.bridge,
      runtimeClient: (endpoint) => new CriClient(endpoint),
      nodeArgs: o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : [],
    });
    await kubelet.waitUntilReady(deadline.cap(60_000));
    const k = kubelet;

    const pullStart = performance.now();
    const cri = new CriClient(k.criEndpoint);
    try {
      await cri.pullImage({ image: 'busybox' });
      await cri.pullImage({ image: 'registry.k8s.io/pause:3.9' });
    } finally {
      cri.close();
    }
    const imagePullSeconds = (performance.now() - pullStart) / 1000;

    const head = JSON.parse((await client.expect(200, 'GET', `${podsPath}?limit=1`)).body.toString('utf8')) as { metadata: { resourceVersion: string } };
    watch = await PodStartWatch.open(base, `${podsPath}?watch=1&resourceVersion=${head.metadata.resourceVersion}&timeoutSeconds=${o.timeoutSeconds}`);
    const w = watch;
    const runId = randomBytes(3).toString('hex');

    if (o.warmup > 0) {
      progress(`warm-up: ${o.warmup} pods to Running and deleted`);
      const names = Array.from({ length: o.warmup }, (_, i) => `bench-${runId}-warmup-${i}`);
      for (const name of names) await client.expect(201, 'POST', podsPath, JSON.stringify(benchPod(runId, name)));
      await w.until(() => names.every((n) => w.of(n).running !== undefined), deadline.cap(60_000));
      for (const name of names) await client.expect(200, 'DELETE', `${podsPath}/${name}`);
      await w.until(() => names.every((n) => w.of(n).deleted !== undefined), deadline.cap(60_000));
    }

    progress(`creating ${o.pods} pods at ${o.rate}/s (run ${runId})`);
    const pids: Pids = {
      kubelet: k.pid,
      containerd: Number(fs.readFileSync(path.join(k.rootDir, 'containerd', 'state', 'containerd.pid'), 'utf8')),
      apiserver: cp.apiserver.pid,
      etcd: cp.etcd.pid,
      scheduler: scheduler.pid,
    };
    const names = Array.from({ length: o.pods }, (_, i) => `bench-${runId}-${String(i).padStart(3, '0')}`);
    const sentAt = new Map<string, number>();
    let failed = 0;
    let firstError: string | undefined;
    const before = cpuSnapshot(pids);
    const start = performance.now();
    const creates = names.map(async (name, i) => {
      // Paced from the start, so a slow answer does not delay the next create.
      await sleep(Math.max(0, start + (i * 1000) / o.rate - performance.now()));
      deadline.check('pod creation');
      const reply = await client.request('POST', podsPath, JSON.stringify(benchPod(runId, name))).catch((e: Error) => e);
      if (reply instanceof Error || reply.status !== 201) {
        failed++;
        firstError ??= reply instanceof Error ? reply.message : `POST ${podsPath} → ${reply.status}: ${statusMessage(reply.body)}`;
        return;
      }
      sentAt.set(name, reply.sentAt);
    });
    await Promise.all(creates);
    const createSeconds = (performance.now() - start) / 1000;
    const created = [...sentAt.keys()];
    await w.until(() => created.every((n) => w.of(n).running !== undefined), deadline.cap(Math.max(60_000, o.pods * 2000)));
    const after = cpuSnapshot(pids);

    const latencies: number[] = [];
    const steps = { scheduled: [] as number[], sandboxReady: [] as number[], containerStarted: [] as number[], running: [] as number[] };
    let last = start;
    for (const name of created) {
      const t: PodStartTimes = w.of(name);
      const sent = sentAt.get(name)!;
      if (t.running === undefined) continue;
      last = Math.max(last, t.running);
      latencies.push(t.running - sent);
      // A step the watch never showed on its own (it came in the same event as a later one) takes no time.
      const scheduled = t.scheduled ?? t.running;
      const sandbox = t.sandboxReady ?? t.running;
      const started = t.containerStarted ?? t.running;
      steps.scheduled.push(scheduled - sent);
      steps.sandboxReady.push(sandbox - scheduled);
      steps.containerStarted.push(started - sandbox);
      steps.running.push(t.running - started);
    }
    const kubeletRssMiB = rounded(readProcessMemory(pids.kubelet)?.rssMiB ?? NaN, 1);
    const containerdRssMiB = rounded(readProcessMemory(pids.containerd)?.rssMiB ?? NaN, 1);

    progress(`deleting the ${created.length} pods`);
    const deleteStart = performance.now();
    for (const name of created) await client.expect(200, 'DELETE', `${podsPath}/${name}`);
    await w.until(() => created.every((n) => w.of(n).deleted !== undefined), deadline.cap(120_000));
    const deletedAt = created.map((n) => w.of(n).deleted);
    const deleteSeconds = deletedAt.every((t) => t !== undefined) ? (Math.max(...(deletedAt as number[])) - deleteStart) / 1000 : NaN;

    const measured = {
      created: created.length,
      failed,
      ...(firstError ? { firstError } : {}),
      running: latencies.length,
      notRunning: created.length - latencies.length,
      createSeconds: rounded(createSeconds, 3),
      seconds: rounded((last - start) / 1000, 3),
    };
    const latencyMs = reportLatency(summarize(latencies));
    return {
      benchmark: 'kubelet',
      pods: o.pods,
      rate: o.rate,
      warmup: o.warmup,
      imagePullSeconds: rounded(imagePullSeconds, 3),
      measured,
      latencyMs,
      stepsMs: {
        scheduled: reportLatency(summarize(steps.scheduled)),
        sandboxReady: reportLatency(summarize(steps.sandboxReady)),
        containerStarted: reportLatency(summarize(steps.containerStarted)),
        running: reportLatency(summarize(steps.running)),
      },
      cpu: cpuReport(before, after, latencies.length || 1),
      deleteSeconds: rounded(deleteSeconds, 3),
      kubeletRssMiB,
      containerdRssMiB,
      goals: kubeletGoals({ latencyMs, measured }),
      environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length },
    };
  } catch (e) {
    if (kubelet) progress(`kubelet output:\n${kubelet.output.slice(-6000)}`);
    throw e;
  } finally {
    await teardown();
    teardown = undefined;
  }
}
