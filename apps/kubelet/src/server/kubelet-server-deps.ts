import type { Readable, Writable } from 'node:stream';
import type { Pod, Status } from '@skiff/api';
import type { Summary } from './stats-summary';

/** One instance of a container, as the kubelet's HTTP server needs it for logs, exec and attach. */
export interface ContainerInstance {
  containerId: string;
  /** The CRI log file (`<RFC3339Nano> stdout|stderr F|P <text>` lines) of this instance. */
  logPath: string;
  running: boolean;
}

/**
 * The answer to "which container is `namespace/pod/container`?": an instance, or the Status to send back, e.g.
 * 404 `pod "p" not found in namespace "ns"`, 400 `container "c" in pod "p" is waiting to start: ContainerCreating`,
 * 400 `previous terminated container "c" in pod "p" not found`.
 */
export type ContainerLookup = ContainerInstance | { error: Status };

export interface TerminalSize {
  width: number;
  height: number;
}

/** The client's side of an exec or attach session, handed to the runtime. */
export interface RemoteCommandStreams {
  /** Present when the client asked for stdin; ends when the client closes its stdin (or goes away). */
  stdin?: Readable;
  stdout?: Writable;
  /** Absent under a tty: the terminal merges stderr into stdout. */
  stderr?: Writable;
  tty: boolean;
  /** Terminal sizes from the client in the order sent; the iteration ends when the session ends. */
  resizes: AsyncIterable<TerminalSize>;
  /** Aborted when the client goes away before the command ends: the runtime should stop waiting for it. */
  signal: AbortSignal;
}

export interface RemoteCommandResult {
  exitCode: number;
}

/** What the kubelet's HTTP server asks of the rest of the kubelet. */
export interface KubeletServerDeps {
  /** `previous` asks for the last exited instance instead of the current one (`kubectl logs --previous`). */
  findContainer(namespace: string, pod: string, container: string, previous: boolean): ContainerLookup | Promise<ContainerLookup>;
  /** Whether that instance still runs; `logs -f` ends once it does not and its file is drained. */
  containerRunning(containerId: string): boolean | Promise<boolean>;
  /** Runs `command` in the container; rejects only when the command could not be run at all. */
  exec(containerId: string, command: string[], streams: RemoteCommandStreams): Promise<RemoteCommandResult>;
  /** Connects to the container's main process; resolves when the session ends. */
  attach(containerId: string, streams: RemoteCommandStreams): Promise<RemoteCommandResult>;
  statsSummary(): Promise<Summary>;
  /** The pods bound to this node as the kubelet knows them. */
  pods(): Pod[] | Promise<Pod[]>;
  /** The pods that have running containers, as the runtime reports them (optional `GET /runningpods/`). */
  runningPods?(): Pod[] | Promise<Pod[]>;
}
