import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { containerdConfigToml, registryHostsFiles, DEFAULT_MIRRORED_REGISTRIES, type ContainerdConfigOptions } from './containerd-config';

export interface ManagedContainerdOptions
  extends Pick<ContainerdConfigOptions, 'cniConfDir' | 'cniBinDir' | 'sandboxImage' | 'streamServerAddress' | 'streamServerPort' | 'snapshotter' | 'logLevel'> {
  /** Everything containerd keeps goes under here: config.toml, certs.d/, root/, state/ and the socket. */
  dir: string;
  /** A registry (e.g. `http://127.0.0.1:5000`) that stands in for docker.io and registry.k8s.io. */
  registryMirror?: string;
  /** Registries the mirror stands in for, with their upstream servers; defaults to docker.io and registry.k8s.io. */
  mirroredRegistries?: Readonly<Record<string, string>>;
  /** Network namespace to run containerd in (an `ip netns` name or a path), so the CNI bridge is made there. */
  netns?: string;
  /** The containerd executable; found on PATH by default. */
  binary?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Restart delays after unexpected exits: doubling from `initialMs` up to `maxMs`. */
  restartBackoff?: { initialMs: number; maxMs: number };
}

export type ManagedContainerdEvent =
  | { type: 'started'; pid: number; startupMs: number }
  | { type: 'exited'; pid: number; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'restart-scheduled'; delayMs: number; attempt: number }
  | { type: 'restart-failed'; error: Error };

// A containerd that ran this long before dying is restarted quickly again, as if it had never failed.
const STABLE_RUN_MS = 60_000;

export function containerdBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v containerd'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('containerd is not installed: run `node tools/dev/require-runtime.js` (as root), then try again');
  }
}

function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** True while `pid` runs; a zombie (exited, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A containerd of the node's own: writes its config, starts it in its own process group (a Ctrl-C aimed at
 * the parent does not reach it), waits until its CRI service answers, restarts it with bounded backoff if it
 * dies, and stops it by PID. Containers run under shims, so they outlive a containerd stop; a containerd
 * started again on the same `dir` finds them.
 */
export class ManagedContainerd extends EventEmitter {
  readonly dir: string;
  readonly rootDir: string;
  readonly stateDir: string;
  readonly socketPath: string;
  readonly configFile: string;
  readonly registryConfigDir: string;
  readonly logFile: string;
  readonly pidFile: string;
  private child?: ChildProcess;
  private childExited?: Promise<void>;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restartAttempt = 0;
  private launchedAt = 0;
  private restartCount = 0;

  constructor(private readonly opts: ManagedContainerdOptions) {
    super();
    if (!path.isAbsolute(opts.dir)) throw new Error(`ManagedContainerd: dir must be an absolute path, got "${opts.dir}"`);
    this.dir = opts.dir;
    this.rootDir = path.join(opts.dir, 'root');
    this.stateDir = path.join(opts.dir, 'state');
    this.socketPath = path.join(opts.dir, 'containerd.sock');
    this.configFile = path.join(opts.dir, 'config.toml');
    this.registryConfigDir = path.join(opts.dir, 'certs.d');
    this.logFile = path.join(this.stateDir, 'containerd.log');
    this.pidFile = path.join(this.stateDir, 'containerd.pid');
  }

  /** The CRI endpoint, as the kubelet's --container-runtime-endpoint takes it. */
  get endpoint(): string {
    return `unix://${this.socketPath}`;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How many times containerd was started again after dying on its own. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Writes the configuration and starts containerd; resolves once its CRI service answers. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.writeConfig();
    await this.stopLeftover();
    try {
      await this.launch();
    } catch (e) {
      // A containerd that never became ready is not left running, nor restarted.
      await this.stop();
      throw e;
    }
  }

  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; no restart follows. Containers keep running under their shims. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (child?.pid !== undefined && this.running) {
      await this.terminate(child.pid, () => this.childExited ?? Promise.resolve());
    }
    fs.rmSync(this.pidFile, { force: true });
  }

  /** The last `bytes` of containerd's log, for error messages. */
  recentLog(bytes = 4096): string {
    try {
      const buf = fs.readFileSync(this.logFile);
      return buf.subarray(Math.max(0, buf.length - bytes)).toString();
    } catch {
      return '';
    }
  }

  private writeConfig(): void {
    fs.mkdirSync(this.rootDir, { recursive: true, mode: 0o711 });
    fs.mkdirSync(this.stateDir, { recursive: true, mode: 0o711 });
    const o = this.opts;
    writeAtomic(
      this.configFile,
      containerdConfigToml({
        rootDir: this.rootDir,
        stateDir: this.stateDir,
        grpcAddress: this.socketPath,
        cniConfDir: o.cniConfDir,
        cniBinDir: o.cniBinDir,
        sandboxImage: o.sandboxImage,
        registryConfigDir: o.registryMirror ? this.registryConfigDir : undefined,
        streamServerAddress: o.streamServerAddress,
        streamServerPort: o.streamServerPort,
        snapshotter: o.snapshotter,
        logLevel: o.logLevel,
      }),
    );
    fs.rmSync(this.registryConfigDir, { recursive: true, force: true });
    if (o.registryMirror) {
      const files = registryHostsFiles(o.registryMirror, o.mirroredRegistries ?? DEFAULT_MIRRORED_REGISTRIES);
      for (const [rel, content] of Object.entries(files)) writeAtomic(path.join(this.registryConfigDir, rel), content);
    }
  }

  /** A containerd from an earlier run on this dir (its parent gone) holds the metadata lock; it is stopped first. */
  private async stopLeftover(): Promise<void> {
    let pid: number;
    try {
      pid = Number(fs.readFileSync(this.pidFile, 'utf8').trim());
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return;
    }
    if (!cmdline.split('\0').includes(this.configFile)) return;
    const giveUpAt = Date.now() + (this.opts.stopTimeoutMs ?? 10_000) + 6000;
    await this.terminate(pid, async () => {
      while (alive(pid) && Date.now() < giveUpAt) await sleep(25);
    });
  }

  private async terminate(pid: number, exited: () => Promise<void>): Promise<void> {
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    const timeoutMs = this.opts.stopTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)));
    const done = exited().then(() => false);
    if (await Promise.race([done, timedOut])) {
      signal('SIGKILL');
      // SIGKILL cannot be caught; the bound only guards against a process stuck in the kernel.
      const killTimedOut = new Promise<boolean>((r) => setTimeout(() => r(true), 5000).unref());
      if (await Promise.race([done, killTimedOut])) throw new Error(`containerd (pid ${pid}) did not exit after SIGKILL`);
    }
    clearTimeout(timer);
  }

  private async launch(): Promise<void> {
    const binary = this.opts.binary ?? containerdBinary();
    const args = ['--config', this.configFile];
    let command = binary;
    let argv = args;
    if (this.opts.netns) {
      const netnsPath = this.opts.netns.includes('/') ? this.opts.netns : `/var/run/netns/${this.opts.netns}`;
      if (!fs.existsSync(netnsPath)) throw new Error(`network namespace ${netnsPath} does not exist`);
      command = 'nsenter';
      argv = [`--net=${netnsPath}`, binary, ...args];
    }
    const log = fs.openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, argv, { detached: true, stdio: ['ignore', log, log] });
    } finally {
      fs.closeSync(log);
    }
    if (child.pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`starting ${command}: ${error.message}`);
    }
    // Later errors (a signal that cannot be sent) are seen as the exit that follows, or not at all.
    child.on('error', () => undefined);
    this.child = child;
    this.launchedAt = Date.now();
    this.childExited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        this.onExit(child, code, signal);
      });
    });
    // containerd may outlive this process (a restarting kubelet finds it and its pods).
    child.unref();
    writeAtomic(this.pidFile, `${child.pid}\n`);
    await this.waitReady(child);
    this.emit('event', { type: 'started', pid: child.pid, startupMs: Date.now() - this.launchedAt } satisfies ManagedContainerdEvent);
  }

  /** Polls until containerd's CRI service answers Version (it rejects calls until its plugins are up). */
  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 20_000);
    // Short reconnect backoff: the first attempts may find no socket, or a stale one from the last run.
    const client = new grpc.Client(this.endpoint, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 25,
      'grpc.max_reconnect_backoff_ms': 250,
    });
    try {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`containerd exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.recentLog()}`);
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new Error(`containerd did not answer on ${this.socketPath} within ${this.opts.startTimeoutMs ?? 20_000} ms:\n${this.recentLog()}`);
        }
        if (fs.existsSync(this.socketPath) && (await criVersionAnswers(client, Math.min(remaining, 2000)))) return;
        await sleep(25);
      }
    } finally {
      client.close();
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.emit('event', { type: 'exited', pid: child.pid ?? -1, code, signal } satisfies ManagedContainerdEvent);
    if (this.stopping) return;
    const backoff = this.opts.restartBackoff ?? { initialMs: 500, maxMs: 30_000 };
    if (Date.now() - this.launchedAt > STABLE_RUN_MS) this.restartAttempt = 0;
    const delayMs = Math.min(backoff.initialMs * 2 ** this.restartAttempt, backoff.maxMs);
    this.restartAttempt++;
    this.emit('event', { type: 'restart-scheduled', delayMs, attempt: this.restartAttempt } satisfies ManagedContainerdEvent);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.restartCount++;
      this.launch().catch((error: Error) => {
        this.emit('event', { type: 'restart-failed', error } satisfies ManagedContainerdEvent);
        // A launch that died on its own already scheduled the next attempt through onExit.
        if (this.running && !this.stopping) this.child?.kill('SIGKILL');
      });
    }, delayMs);
  }
}

/** One CRI Version call with an empty request; true when containerd answers it. */
function criVersionAnswers(client: grpc.Client, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/runtime.v1.RuntimeService/Version',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      { deadline: Date.now() + timeoutMs },
      (err) => resolve(!err),
    );
  });
}
