import { spawn } from 'node:child_process';
import type { Pod } from '@skiff/api';
import type { ContainerLookup, KubeletServerDeps, RemoteCommandResult, RemoteCommandStreams, TerminalSize } from './kubelet-server-deps';
import { badRequestStatus, notFoundStatus } from './kubelet-status';
import type { Summary } from './stats-summary';

/** One container as the fake knows it: its current instance, and maybe an exited previous one. */
export interface FakeContainer {
  id: string;
  logPath: string;
  running: boolean;
  /** Set while the container has not started: the reason, e.g. ContainerCreating. */
  waiting?: string;
  previous?: { id: string; logPath: string };
}

/**
 * KubeletServerDeps for unit tests: containers keyed `namespace/pod/container`; exec runs the command as a
 * local child process (so stdin's end, exit codes and stderr are real); attach echoes stdin and reports resizes.
 */
export class FakeKubeletDeps implements KubeletServerDeps {
  readonly containers = new Map<string, FakeContainer>();
  podList: Pod[] = [];
  summary: Summary = { node: { nodeName: 'node-1' }, pods: [] };
  readonly resizes: TerminalSize[] = [];
  /** Exec'd processes that have not exited yet. */
  liveExecs = 0;

  add(namespace: string, pod: string, container: string, c: FakeContainer): FakeContainer {
    this.containers.set(`${namespace}/${pod}/${container}`, c);
    return c;
  }

  findContainer(namespace: string, pod: string, container: string, previous: boolean): ContainerLookup {
    const c = this.containers.get(`${namespace}/${pod}/${container}`);
    if (!c) {
      const podKnown = [...this.containers.keys()].some((k) => k.startsWith(`${namespace}/${pod}/`));
      return { error: notFoundStatus(podKnown ? `container "${container}" not found in pod "${pod}"` : `pod "${pod}" not found in namespace "${namespace}"`) };
    }
    if (previous) {
      if (!c.previous) return { error: badRequestStatus(`previous terminated container "${container}" in pod "${pod}" not found`) };
      return { containerId: c.previous.id, logPath: c.previous.logPath, running: false };
    }
    if (c.waiting) return { error: badRequestStatus(`container "${container}" in pod "${pod}" is waiting to start: ${c.waiting}`) };
    return { containerId: c.id, logPath: c.logPath, running: c.running };
  }

  containerRunning(containerId: string): boolean {
    return [...this.containers.values()].some((c) => c.id === containerId && c.running);
  }

  exec(_containerId: string, command: string[], streams: RemoteCommandStreams): Promise<RemoteCommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command[0], command.slice(1), { stdio: 'pipe' });
      this.liveExecs++;
      child.once('error', (e) => {
        this.liveExecs--;
        reject(e);
      });
      child.stdin.on('error', () => undefined);
      if (streams.stdin) streams.stdin.pipe(child.stdin);
      else child.stdin.end();
      if (streams.stdout) child.stdout.pipe(streams.stdout);
      else child.stdout.resume();
      if (streams.stderr) child.stderr.pipe(streams.stderr);
      else child.stderr.resume();
      streams.signal.addEventListener('abort', () => child.kill());
      child.once('close', (code, signal) => {
        this.liveExecs--;
        resolve({ exitCode: code ?? (signal ? 128 : 1) });
      });
    });
  }

  async attach(_containerId: string, streams: RemoteCommandStreams): Promise<RemoteCommandResult> {
    const sizes = (async () => {
      for await (const size of streams.resizes) {
        this.resizes.push(size);
        streams.stdout?.write(`resize ${size.width}x${size.height}\n`);
      }
    })();
    if (streams.stdin) {
      for await (const chunk of streams.stdin) streams.stdout?.write(chunk);
    }
    await Promise.race([sizes, new Promise((r) => setImmediate(r))]);
    return { exitCode: 0 };
  }

  async statsSummary(): Promise<Summary> {
    return this.summary;
  }

  pods(): Pod[] {
    return this.podList;
  }
}
