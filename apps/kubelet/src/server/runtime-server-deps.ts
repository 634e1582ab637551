import type { Pod, Status } from '@skiff/api';
import { runRemoteCommand, type ContainerRuntime } from '@skiff/cri';
import { containerNameLabel, podUidLabel } from '../runtime/pod-runtime-status';
import type { HostInfoSource } from '../node/host-info';
import type { ContainerLookup, KubeletServerDeps, RemoteCommandStreams } from './kubelet-server-deps';
import type { PodStats, Summary } from './stats-summary';

function failure(code: number, reason: string, message: string): { error: Status } {
  return { error: { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason, code } as Status };
}

/**
 * The kubelet server's view of the node, read from the container runtime: which instance a log or exec request
 * means, exec and attach through the runtime's streaming server, and the Summary API from CRI stats.
 */
export class RuntimeServerDeps implements KubeletServerDeps {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly nodeName: string,
    private readonly host: HostInfoSource,
    private readonly podsOnNode: () => Pod[],
  ) {}

  pods(): Pod[] {
    return this.podsOnNode();
  }

  async findContainer(namespace: string, podName: string, container: string, previous: boolean): Promise<ContainerLookup> {
    const pod = this.podsOnNode().find((p) => p.metadata.namespace === namespace && p.metadata.name === podName);
    if (!pod) return failure(404, 'NotFound', `pod "${podName}" not found in namespace "${namespace}"`);
    const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
    if (!names.includes(container)) return failure(400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
    const listed = await this.runtime.listContainers({ labelSelector: { [podUidLabel]: pod.metadata.uid!, [containerNameLabel]: container } });
    listed.sort((a, b) => b.createdAt - a.createdAt || b.metadata.attempt - a.metadata.attempt);
    const chosen = previous ? listed[1] : listed[0];
    if (!chosen) {
      if (previous) return failure(400, 'BadRequest', `previous terminated container "${container}" in pod "${podName}" not found`);
      const waiting = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
      return failure(400, 'BadRequest', `container "${container}" in pod "${podName}" is waiting to start: ${waiting}`);
    }
    const status = await this.runtime.containerStatus(chosen.id);
    return { containerId: chosen.id, logPath: status.logPath, running: status.state === 'CONTAINER_RUNNING' };
  }

  async containerRunning(containerId: string): Promise<boolean> {
    return this.runtime
      .containerStatus(containerId)
      .then((s) => s.state === 'CONTAINER_RUNNING')
      .catch(() => false);
  }

  async exec(containerId: string, command: string[], streams: RemoteCommandStreams) {
    const url = await this.runtime.exec({ containerId, cmd: command, tty: streams.tty, stdin: !!streams.stdin, stdout: !!streams.stdout, stderr: !!streams.stderr });
    return runRemoteCommand(url, { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr, tty: streams.tty, resizes: streams.resizes, signal: streams.signal });
  }

  async attach(containerId: string, streams: RemoteCommandStreams) {
    const url = await this.runtime.attach({ containerId, tty: streams.tty, stdin: !!streams.stdin, stdout: !!streams.stdout, stderr: !!streams.stderr });
    return runRemoteCommand(url, { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr, tty: streams.tty, resizes: streams.resizes, signal: streams.signal });
  }

  async statsSummary(): Promise<Summary> {
    const now = new Date().toISOString();
    const stats = await this.runtime.listContainerStats();
    const byPod = new Map<string, PodStats>();
    const pods = new Map(this.podsOnNode().map((p) => [p.metadata.uid!, p]));
    for (const s of stats) {
      const uid = s.attributes?.labels?.[podUidLabel];
      const pod = uid ? pods.get(uid) : undefined;
      if (!uid || !pod) continue;
      let entry = byPod.get(uid);
      if (!entry) {
        entry = { podRef: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid }, startTime: pod.status?.startTime, containers: [], cpu: { time: now, usageNanoCores: 0, usageCoreNanoSeconds: 0 }, memory: { time: now, workingSetBytes: 0, usageBytes: 0 } };
        byPod.set(uid, entry);
      }
      const cpu = { time: now, usageNanoCores: s.cpu?.usageNanoCores?.value ?? 0, usageCoreNanoSeconds: s.cpu?.usageCoreNanoSeconds?.value ?? 0 };
      const memory = { time: now, workingSetBytes: s.memory?.workingSetBytes?.value ?? 0, usageBytes: s.memory?.usageBytes?.value ?? 0, rssBytes: s.memory?.rssBytes?.value ?? 0 };
      entry.containers.push({ name: s.attributes?.metadata?.name ?? '', cpu, memory });
      entry.cpu!.usageNanoCores! += cpu.usageNanoCores;
      entry.cpu!.usageCoreNanoSeconds! += cpu.usageCoreNanoSeconds;
      entry.memory!.workingSetBytes! += memory.workingSetBytes;
      entry.memory!.usageBytes! += memory.usageBytes;
    }
    const facts = this.host.facts();
    const readings = this.host.readings();
    return {
      node: {
        nodeName: this.nodeName,
        memory: { time: now, availableBytes: readings.memoryAvailableBytes, workingSetBytes: facts.memoryBytes - readings.memoryAvailableBytes },
        fs: { time: now, availableBytes: readings.nodeFsAvailableBytes, capacityBytes: readings.nodeFsCapacityBytes, usedBytes: readings.nodeFsCapacityBytes - readings.nodeFsAvailableBytes },
        rlimit: { time: now, maxpid: readings.pidMax, curproc: readings.processes },
      },
      pods: [...byPod.values()],
    };
  }
}
