import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { TestControllerManager, type TestControlPlane } from '@skiff/testing';
import { Deadline } from '../deadline';
import { LoopbackClient } from '../loopback-client';
import { ownCpuSeconds, readProcessCpuSeconds } from '../process-cpu';
import { readProcessMemory } from '../process-memory';
import { percentile, perSecond, rounded } from '../stats';
import type { ControllersBenchOptions } from './controllers-options';
import type { ControllersBenchResult, ControllersCpu, ScalePhase } from './controllers-result';
import { PodCountWatch } from './pod-count-watch';

const namespace = 'default';
const deploymentName = 'bench';
const deploymentPath = `/apis/apps/v1/namespaces/${namespace}/deployments`;
const replicaSetsPath = `/apis/apps/v1/namespaces/${namespace}/replicasets`;
const podsPath = `/api/v1/namespaces/${namespace}/pods`;

interface CpuSnapshot {
  at: number;
  apiserver: number;
  etcd: number;
  controllerManager: number;
  client: number;
}

const benchDeployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: deploymentName },
  spec: {
    replicas,
    selector: { matchLabels: { app: deploymentName } },
    template: { metadata: { labels: { app: deploymentName } }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9' }] } },
  },
});

/** Starts the controller-manager, scales a Deployment 0 → N → 0 and times the Pod objects appearing and going. */
export async function runControllersBench(cp: TestControlPlane, o: ControllersBenchOptions, progress: (line: string) => void): Promise<ControllersBenchResult> {
  const deadline = new Deadline(o.timeoutSeconds * 1000);
  const url = new URL(cp.apiserver.url);
  const client = new LoopbackClient(url, 4);
  let cm: TestControllerManager | undefined;
  let watch: PodCountWatch | undefined;
  try {
    progress(`starting skiff-controller-manager --controllers=${o.controllers}`);
    cm = await TestControllerManager.start(cp, { args: [`--controllers=${o.controllers}`] });
    const cmPid = cm.pid;
    const snapshot = (): CpuSnapshot => ({
      at: performance.now(),
      apiserver: readProcessCpuSeconds(cp.apiserver.pid) ?? NaN,
      etcd: readProcessCpuSeconds(cp.etcd.pid) ?? NaN,
      controllerManager: readProcessCpuSeconds(cmPid) ?? NaN,
      client: ownCpuSeconds(),
    });

    progress('creating the Deployment with 0 replicas');
    await client.expect(201, 'POST', deploymentPath, JSON.stringify(benchDeployment(0)));
    // Its (empty) ReplicaSet exists first, so the measured phase is only the scale-up.
    await waitUntil(async () => (await getJson(client, replicaSetsPath)).items.length === 1, deadline, "the Deployment's ReplicaSet");
    const rsName = (await getJson(client, replicaSetsPath)).items[0].metadata.name as string;

    const head = await getJson(client, `${podsPath}?limit=1`);
    watch = await PodCountWatch.open(url, `${podsPath}?watch=1&resourceVersion=${head.metadata.resourceVersion}&timeoutSeconds=${o.timeoutSeconds}`);
    const w = watch;

    progress(`scaling to ${o.replicas} replicas`);
    const upStart = snapshot();
    await client.expect(200, 'PATCH', `${deploymentPath}/${deploymentName}`, JSON.stringify({ spec: { replicas: o.replicas } }), 'application/merge-patch+json');
    await w.until(() => w.added >= o.replicas, deadline.remainingMs());
    const upEnd = snapshot();
    const scaleUp = phase(w.addedTimes(), upStart, upEnd, o.replicas);
    if (w.added < o.replicas) throw new Error(`only ${w.added} of ${o.replicas} pods appeared (${w.endedBecause ?? 'time ran out'})`);
    await waitUntil(async () => (await getJson(client, `${replicaSetsPath}/${rsName}`)).status?.replicas === o.replicas, deadline, 'the ReplicaSet status to count every pod');
    const replicaSetStatusSeconds = rounded((performance.now() - upStart.at) / 1000, 3);
    const controllerManagerRssMiB = rounded(readProcessMemory(cmPid)?.rssMiB ?? NaN, 1);
    const apiserverRssMiB = rounded(readProcessMemory(cp.apiserver.pid)?.rssMiB ?? NaN, 1);

    progress('scaling back to 0');
    const downStart = snapshot();
    await client.expect(200, 'PATCH', `${deploymentPath}/${deploymentName}`, JSON.stringify({ spec: { replicas: 0 } }), 'application/merge-patch+json');
    await w.until(() => w.deleted >= o.replicas, deadline.remainingMs());
    const downEnd = snapshot();
    const scaleDown = phase(w.deletedTimes(), downStart, downEnd, o.replicas);

    return {
      benchmark: 'controllers',
      replicas: o.replicas,
      controllers: o.controllers,
      scaleUp,
      replicaSetStatusSeconds,
      scaleDown,
      controllerManagerRssMiB,
      apiserverRssMiB,
      environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length },
    };
  } catch (e) {
    if (cm) progress(`controller-manager output:\n${cm.output.slice(-4000)}`);
    throw e;
  } finally {
    watch?.close();
    await cm?.stop();
    client.close();
  }
}

/** Times are measured from the scale request; `seen` are the watch arrival times of the pods in this phase. */
function phase(seen: number[], start: CpuSnapshot, end: CpuSnapshot, wanted: number): ScalePhase {
  const since = seen.map((t) => (t - start.at) / 1000);
  const last = since.length ? since[since.length - 1] : NaN;
  const at = (p: number) => (since.length >= wanted ? rounded(percentile(since, p), 3) : null);
  return {
    pods: since.length,
    seconds: rounded(last, 3),
    podsPerSecond: rounded(perSecond(since.length, last * 1000), 1),
    firstPodSeconds: rounded(since[0] ?? NaN, 3),
    halfPodsSeconds: at(50),
    p90PodsSeconds: at(90),
    cpu: cpuUsed(start, end),
  };
}

function cpuUsed(a: CpuSnapshot, b: CpuSnapshot): ControllersCpu {
  return {
    wallSeconds: rounded((b.at - a.at) / 1000, 3),
    apiserverSeconds: rounded(b.apiserver - a.apiserver, 2),
    etcdSeconds: rounded(b.etcd - a.etcd, 2),
    controllerManagerSeconds: rounded(b.controllerManager - a.controllerManager, 2),
    benchmarkClientSeconds: rounded(b.client - a.client, 2),
  };
}

async function getJson(client: LoopbackClient, path: string): Promise<any> {
  return JSON.parse((await client.expect(200, 'GET', path)).body.toString('utf8'));
}

async function waitUntil(check: () => Promise<boolean>, deadline: Deadline, what: string): Promise<void> {
  for (;;) {
    if (await check().catch(() => false)) return;
    deadline.check(`waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
