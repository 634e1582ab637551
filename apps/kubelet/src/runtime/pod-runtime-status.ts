import fs from 'node:fs';
import { isNotFound, parseCriLog, renderCriLogEntry, type ContainerRuntime, type ContainerStatus, type PodSandboxStatus } from '@skiff/cri';

import { containerNameLabel } from '../pod/container-config';
import { podUIDLabel as podUidLabel } from '../pod/sandbox-config';
import { readTerminationMessage, terminationMessageFromLog } from '../pod/termination-message';

export { containerNameLabel, podUidLabel };

/** What the runtime holds for one pod: its sandboxes and containers, newest first. */
export interface PodRuntimeStatus {
  uid: string;
  sandboxes: PodSandboxStatus[];
  containers: ContainerStatus[];
}

/** Reads one pod's sandboxes and containers from the runtime; anything removed meanwhile is skipped. */
export async function podRuntimeStatus(runtime: ContainerRuntime, uid: string): Promise<PodRuntimeStatus> {
  const selector = { labelSelector: { [podUidLabel]: uid } };
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(selector), runtime.listContainers(selector)]);
  const skipGone = <T>(p: Promise<T>) => p.catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  const sandboxStatuses = (await Promise.all(sandboxes.map((s) => skipGone(runtime.podSandboxStatus(s.id))))).filter((s): s is PodSandboxStatus => !!s);
  const containerStatuses = (await Promise.all(containers.map((c) => skipGone(runtime.containerStatus(c.id))))).filter((c): c is ContainerStatus => !!c);
  // Newest first; the attempt number breaks ties between instances made in the same instant.
  sandboxStatuses.sort((a, b) => b.createdAt - a.createdAt || b.metadata.attempt - a.metadata.attempt);
  containerStatuses.sort((a, b) => b.createdAt - a.createdAt || b.metadata.attempt - a.metadata.attempt);
  return { uid, sandboxes: sandboxStatuses, containers: containerStatuses };
}

/** The newest instance of each named container, and the one before it (for lastState and `logs --previous`). */
export function containerInstances(status: PodRuntimeStatus, name: string): { current?: ContainerStatus; previous?: ContainerStatus } {
  const mine = status.containers.filter((c) => c.metadata.name === name);
  return { current: mine[0], previous: mine[1] };
}

export function nsToIso(ns: number): string | undefined {
  if (!ns) return undefined;
  return new Date(Math.floor(ns / 1e6)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Fills in the termination message of exited instances: what the container wrote to its terminationMessagePath,
 * or with FallbackToLogsOnError and a failure, the tail of its log. The runtime itself reports no message.
 */
export async function addTerminationMessages(status: PodRuntimeStatus): Promise<void> {
  await Promise.all(
    status.containers
      .filter((c) => c.state === 'CONTAINER_EXITED' && !c.message)
      .map(async (c) => {
        const t = await readTerminationMessage(c);
        if (t.message) c.message = t.message;
        else if (t.fallbackToLogs && c.exitCode !== 0 && c.logPath) {
          const text = await fs.promises.readFile(c.logPath, 'utf8').catch(() => '');
          const log = parseCriLog(text).entries.map((e) => renderCriLogEntry(e)).join('');
          if (log) c.message = terminationMessageFromLog(log);
        }
      }),
  );
}
