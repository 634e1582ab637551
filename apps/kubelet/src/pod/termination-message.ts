import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, writeFile } from 'node:fs/promises';
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

/**
 * Creates an empty, world-writable file for one run of the container under `<pod>/containers/<name>/` and
 * returns the mount that puts it at the container's terminationMessagePath. A new file per run keeps one run's
 * message from leaking into the next. No mount when the container sets no path.
 */
export async function prepareTerminationMessageFile(dirs: PodDirs, pod: Pod, container: Container): Promise<Mount | undefined> {
  if (!container.terminationMessagePath) return undefined;
  const dir = dirs.containerDir(pod.metadata.uid ?? '', container.name);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const hostPath = join(dir, randomUUID().slice(0, 8));
  await writeFile(hostPath, '', { mode: 0o666 });
  await chmod(hostPath, 0o666); // the umask trims the create mode
  return { containerPath: container.terminationMessagePath, hostPath };
}

export interface TerminationMessage {
  message: string;
  /** True when the policy is FallbackToLogsOnError and the file gave nothing: the caller should use the log tail. */
  fallbackToLogs: boolean;
}

async function readTail(path: string, max: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    await file.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await file.close();
  }
}

/**
 * The termination message of an exited container: the last 4 KiB of the file mounted at the path recorded in
 * its annotations. `fallbackToLogs` says when the caller should take the log tail instead (policy
 * FallbackToLogsOnError, nothing written, and — the caller checks this — the container failed).
 */
export async function readTerminationMessage(status: Pick<ContainerStatus, 'annotations' | 'mounts'>): Promise<TerminationMessage> {
  const path = status.annotations[terminationMessagePathAnnotation];
  const fallback = status.annotations[terminationMessagePolicyAnnotation] === 'FallbackToLogsOnError';
  if (!path) return { message: '', fallbackToLogs: fallback };
  const mount = status.mounts.find((m) => m.containerPath === path);
  if (!mount) return { message: '', fallbackToLogs: fallback };
  try {
    const message = await readTail(mount.hostPath, maxTerminationMessageBytes);
    return { message, fallbackToLogs: fallback && message.length === 0 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { message: '', fallbackToLogs: fallback };
    return { message: `Error on reading termination log ${mount.hostPath}: ${(err as Error).message}`, fallbackToLogs: false };
  }
}

/** The FallbackToLogsOnError message from a container's log text: its last 80 lines, at most the last 2 KiB. */
export function terminationMessageFromLog(log: string): string {
  const lines = log.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const tail = lines.slice(-maxTerminationMessageLogLines).join('\n') + (log.endsWith('\n') ? '\n' : '');
  const bytes = Buffer.from(tail, 'utf8');
  return bytes.length <= maxTerminationMessageLogBytes ? tail : bytes.subarray(bytes.length - maxTerminationMessageLogBytes).toString('utf8');
}
