import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '@skiff/api';
import type { ContainerStatus, Mount } from '@skiff/cri';
import type { PodDirs } from '../volumes/pod-dirs';

/** The most of a termination message file the kubelet reports (its last 4 KiB). */
export const maxTerminationMessageBytes = 4096;
/** With FallbackToLogsOnError, the message is the log's last 80 lines, at most 2 KiB. */
export const maxTerminationMessageLogLines = 80;
export const maxTerminationMessageLogBytes = 2048;

export const terminationMessagePathAnnotation = 'io.kubernetes.container.terminationMessagePath';
export const terminationMessagePolicyAnnotation = 'io.kubernetes.container.terminationMessagePolicy';

/** The host file behind a container run's terminationMessagePath: one per attempt, so the kubelet can find it again after a restart. */
export function terminationMessageFile(dirs: PodDirs, pod: Pod, containerName: string, attempt: number): string {
  return join(dirs.containerDir(pod.metadata.uid ?? '', containerName), `termination-log.${attempt}`);
}

/**
 * Creates an empty, world-writable file for one run of the container under `<pod>/containers/<name>/` and
 * returns the mount that puts it at the container's terminationMessagePath. A file per run keeps one run's
 * message from leaking into the next. No mount when the container sets no path.
 */
export function prepareTerminationMessageFile(dirs: PodDirs, pod: Pod, container: Container, attempt: number): Mount | undefined {
  if (!container.terminationMessagePath) return undefined;
  const hostPath = terminationMessageFile(dirs, pod, container.name, attempt);
  mkdirSync(join(hostPath, '..'), { recursive: true, mode: 0o750 });
  writeFileSync(hostPath, '', { mode: 0o666 });
  chmodSync(hostPath, 0o666); // the umask trims the create mode
  return { containerPath: container.terminationMessagePath, hostPath };
}

export interface TerminationMessage {
  message: string;
  /** True when the policy is FallbackToLogsOnError and the file gave nothing: the caller should use the log tail. */
  fallbackToLogs: boolean;
}

/** The last `max` bytes of a file. */
export function readFileTail(path: string, max: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The message in a termination-message file (its last 4 KiB); '' when there is none. */
export function readTerminationMessageFile(path: string): string {
  try {
    return readFileTail(path, maxTerminationMessageBytes).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    return `Error on reading termination log ${path}: ${(err as Error).message}`;
  }
}

/**
 * The termination message of an exited container: the last 4 KiB of the file mounted at the path recorded in
 * its annotations. `fallbackToLogs` says when the caller should take the log tail instead (policy
 * FallbackToLogsOnError, nothing written, and — the caller checks this — the container failed).
 */
export function readTerminationMessage(status: Pick<ContainerStatus, 'annotations' | 'mounts'>): TerminationMessage {
  const path = status.annotations[terminationMessagePathAnnotation];
  const fallback = status.annotations[terminationMessagePolicyAnnotation] === 'FallbackToLogsOnError';
  if (!path) return { message: '', fallbackToLogs: fallback };
  const mount = status.mounts.find((m) => m.containerPath === path);
  if (!mount) return { message: '', fallbackToLogs: fallback };
  const message = readTerminationMessageFile(mount.hostPath);
  if (message.startsWith('Error on reading termination log')) return { message, fallbackToLogs: false };
  return { message, fallbackToLogs: fallback && message.length === 0 };
}

/** The FallbackToLogsOnError message from a container's log text: its last 80 lines, at most the last 2 KiB. */
export function terminationMessageFromLog(log: string): string {
  const lines = log.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const tail = lines.slice(-maxTerminationMessageLogLines).join('\n') + (log.endsWith('\n') ? '\n' : '');
  const bytes = Buffer.from(tail, 'utf8');
  return bytes.length <= maxTerminationMessageLogBytes ? tail : bytes.subarray(bytes.length - maxTerminationMessageLogBytes).toString('utf8');
}
