import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestControlPlane } from './apiserver';
import { writeTestKubeconfig } from './controller-manager';
import { removeNodeNetwork, routeExists } from './node-network';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

const repoRoot = path.resolve(__dirname, '../../..');

function kubeletBin(): string {
  const pkg = require.resolve('@skiff/kubelet/package.json');
  return path.join(path.dirname(pkg), 'bin', 'skiff-kubelet.js');
}

/**
 * The CRI calls cleanup needs. libs/cri depends on this library for its own tests, so the caller hands in a
 * client factory (e.g. `(endpoint) => new CriClient(endpoint)`) instead of this file importing one.
 */
export interface TestKubeletRuntimeClient {
  listPodSandbox(): Promise<Array<{ id: string }>>;
  listContainers(): Promise<Array<{ id: string }>>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  close(): void;
}

export interface TestKubeletOptions {
  controlPlane: TestControlPlane;
  /** The registry containerd pulls docker.io and registry.k8s.io images from (a TestRegistry's url). */
  registryUrl: string;
  /** A pod CIDR no other test uses at the same time, e.g. 10.244.201.0/24. */
  podCIDR: string;
  /** The node's CNI bridge: unique to the test, at most 15 characters. */
  bridge: string;
  runtimeClient: (endpoint: string) => TestKubeletRuntimeClient;
  /** Defaults to a name made from the bridge and this process's PID. */
  nodeName?: string;
  /** Extra flags, e.g. `--node-status-update-frequency=2s`. */
  args?: string[];
  /** Flags for node itself, e.g. `--cpu-prof` to profile the kubelet. */
  nodeArgs?: string[];
  /**
   * Serve the kubelet API over HTTPS with Webhook authorization and reach the apiserver's secure port as
   * system:node:<name>, with certificates from the control plane's TestPki (start it with `tls: true`).
   */
  tls?: boolean;
}

interface PodList {
  items: Array<{ metadata: { name: string; namespace: string } }>;
}

/**
 * A real skiff-kubelet with `--runtime=containerd-managed` (its own containerd, runc and the CNI bridge) against a
 * TestControlPlane. `cleanup()` leaves nothing behind: the node's pods, sandboxes, containerd, bridge, the CNI and
 * iptables state of its CIDR, and its folders.
 */
export class TestKubelet {
  private proc?: ProcessHandle;
  private runtime?: TestKubeletRuntimeClient;
  port = 0;
  readonly nodeName: string;
  private tlsArgs: string[] = [];

  private constructor(
    private readonly opts: TestKubeletOptions,
    /** Holds the kubeconfig, root-dir (with containerd's folder) and pod logs. */
    readonly dir: string,
  ) {
    this.nodeName = opts.nodeName ?? `${opts.bridge}-${process.pid}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  }

  static async start(opts: TestKubeletOptions): Promise<TestKubelet> {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(opts.bridge)) throw new Error(`bridge name "${opts.bridge}" must be 1-15 letters, digits, '_', '.' or '-'`);
    const { requireRuntime } = require(path.join(repoRoot, 'tools/dev/require-runtime.js')) as { requireRuntime(log?: (l: string) => void): void };
    requireRuntime(() => undefined);
    if (routeExists(opts.podCIDR)) throw new Error(`a route to ${opts.podCIDR} exists already (another test's bridge?); this kubelet needs the CIDR to itself`);
    // A short path: containerd's socket lives under it and unix socket paths are limited to 107 bytes.
    const k = new TestKubelet(opts, fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-kl-')));
    const cp = opts.controlPlane;
    if (opts.tls) {
      if (!cp.pki) throw new Error('a TLS kubelet needs a control plane started with tls: true');
      const { client } = await cp.pki.node(k.nodeName);
      cp.pki.writeKubeconfig(path.join(k.dir, 'kubeconfig'), cp.apiserver.secureUrl, client, `system:node:${k.nodeName}`);
      k.tlsArgs = await cp.pki.kubeletArgs(k.nodeName);
    } else {
      writeTestKubeconfig(cp, k.dir);
    }
    try {
      await k.launch();
    } catch (e) {
      const cleanupError = await k.cleanup().then(
        () => '',
        (c: Error) => `\n(and cleaning up: ${c.message})`,
      );
      throw new Error(`${(e as Error).message}${cleanupError}`);
    }
    return k;
  }

  get rootDir(): string {
    return path.join(this.dir, 'root');
  }

  get podLogsDir(): string {
    return path.join(this.dir, 'logs');
  }

  /** The CRI socket of the kubelet's containerd. */
  get criEndpoint(): string {
    return `unix://${path.join(this.rootDir, 'containerd', 'containerd.sock')}`;
  }

  /** The kubelet server (logs, exec, /healthz): https with `tls`. */
  get url(): string {
    return `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** The last 64 KiB the kubelet printed and the end of its containerd's log, for failure messages. */
  get output(): string {
    let containerdLog = '';
    try {
      const buf = fs.readFileSync(path.join(this.rootDir, 'containerd', 'state', 'containerd.log'));
      containerdLog = buf.subarray(Math.max(0, buf.length - 8192)).toString();
    } catch {
      // containerd never started.
    }
    return `${this.proc?.recentOutput ?? ''}\n--- containerd log (end) ---\n${containerdLog}`;
  }

  private async launch(): Promise<void> {
    this.proc = ProcessHandle.start('skiff-kubelet', process.execPath, [
      ...(this.opts.nodeArgs ?? []),
      kubeletBin(),
      `--kubeconfig=${path.join(this.dir, 'kubeconfig')}`,
      `--hostname-override=${this.nodeName}`,
      '--node-ip=127.0.0.1',
      '--address=127.0.0.1',
      `--port=${this.port}`,
      `--root-dir=${this.rootDir}`,
      `--pod-logs-dir=${this.podLogsDir}`,
      '--runtime=containerd-managed',
      `--registry-mirror=${this.opts.registryUrl}`,
      `--pod-cidr=${this.opts.podCIDR}`,
      `--cni-bridge=${this.opts.bridge}`,
      // The well-known healthz port belongs to the machine's own kubelet, if any.
      '--healthz-port=0',
      ...this.tlsArgs,
      ...(this.opts.args ?? []),
    ]);
    const m = await this.proc.waitForOutput(/listening on https?:\/\/[\d.]+:(\d+)/, 60_000);
    this.port = Number(m[1]);
  }

  /** Resolves once the Node reports Ready=True. */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`skiff-kubelet exited:\n${this.output}`);
        const res = await fetch(`${this.opts.controlPlane.apiserver.url}/api/v1/nodes/${this.nodeName}`);
        if (!res.ok) return false;
        const node = (await res.json()) as { status?: { conditions?: Array<{ type: string; status: string }> } };
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      },
      { timeoutMs, intervalMs: 200, what: `node ${this.nodeName} to be Ready` },
    );
  }

  /** SIGTERM (the kubelet stops its containerd; containers keep running), then SIGKILL by PID. */
  async stop(): Promise<void> {
    await this.proc?.stop(30_000);
    await this.stopLeftoverContainerd();
  }

  /** SIGKILL, as a crash would: its containerd and the containers keep running. */
  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  /** Stops the kubelet and starts it again with the same node name, folders and port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** A CRI client on the kubelet's containerd (while it runs); closed by cleanup. */
  cri(): TestKubeletRuntimeClient {
    this.runtime ??= this.opts.runtimeClient(this.criEndpoint);
    return this.runtime;
  }

  /**
   * Cordons the node, deletes its pods through the apiserver and waits for the kubelet to remove their sandboxes; removes
   * what it left through CRI; stops the kubelet; then removes the bridge, the CNI and iptables state of the CIDR,
   * leftover mounts and the folders. Safe to call more than once, after a failed start and after a crash.
   */
  async cleanup(): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, f: () => Promise<void> | void) => {
      try {
        await f();
      } catch (e) {
        problems.push(`${what}: ${(e as Error).message}`);
      }
    };
    const leftovers: string[] = [];
    if (this.running) {
      await attempt("deleting the node's pods", () => this.deletePods());
      await attempt('waiting for the kubelet to remove the sandboxes', async () => {
        await waitFor(async () => (await this.cri().listPodSandbox()).length === 0, { timeoutMs: 60_000, intervalMs: 200, what: 'every sandbox to be removed' });
      });
    }
    await attempt('removing leftover containers and sandboxes', () => this.withRuntime(async (cri) => void leftovers.push(...(await removeEverything(cri)))));
    this.runtime?.close();
    this.runtime = undefined;
    await attempt('stopping the kubelet', () => this.stop());
    await attempt('killing leftover shims', () => this.killShims());
    await attempt('unmounting leftovers', () => this.unmountAll());
    await attempt('removing the node network', () => removeNodeNetwork({ bridge: this.opts.bridge, podCIDR: this.opts.podCIDR, sandboxIds: leftovers }));
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (problems.length) throw new Error(`TestKubelet cleanup of ${this.nodeName}:\n${problems.join('\n')}\n${this.output}`);
  }

  /** Cordons the node (so controllers' replacement pods go nowhere) and deletes every pod bound to it. */
  private async deletePods(): Promise<void> {
    const api = this.opts.controlPlane.apiserver.url;
    const cordon = await fetch(`${api}/api/v1/nodes/${this.nodeName}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { unschedulable: true } }),
    });
    if (!cordon.ok && cordon.status !== 404) throw new Error(`cordoning node ${this.nodeName}: ${cordon.status} ${await cordon.text()}`);
    const res = await fetch(`${api}/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${this.nodeName}`)}`);
    if (!res.ok) throw new Error(`listing pods: ${res.status} ${await res.text()}`);
    const list = (await res.json()) as PodList;
    for (const p of list.items) {
      const del = await fetch(`${api}/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}?gracePeriodSeconds=1`, { method: 'DELETE' });
      if (!del.ok && del.status !== 404) throw new Error(`deleting pod ${p.metadata.namespace}/${p.metadata.name}: ${del.status} ${await del.text()}`);
    }
  }

  /**
   * Runs `f` with a CRI client on the node's containerd: the kubelet's while it runs, else one started on the
   * kubelet's containerd config just for this (containers outlive a crashed kubelet and need CNI to be torn down).
   */
  private async withRuntime(f: (cri: TestKubeletRuntimeClient) => Promise<void>): Promise<void> {
    const configFile = path.join(this.rootDir, 'containerd', 'config.toml');
    const ours = !this.running && !this.containerdPid() && fs.existsSync(configFile) ? ProcessHandle.start('containerd', 'containerd', ['--config', configFile]) : undefined;
    if (!this.running && !this.containerdPid() && !ours) return;
    try {
      const cri = this.cri();
      await waitFor(async () => (await cri.listPodSandbox(), true), { timeoutMs: 20_000, intervalMs: 100, what: 'containerd to answer CRI calls' });
      await f(cri);
    } finally {
      this.runtime?.close();
      this.runtime = undefined;
      await ours?.stop(10_000);
    }
  }

  /** The pid of the kubelet's containerd while it runs. */
  private containerdPid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(path.join(this.rootDir, 'containerd', 'state', 'containerd.pid'), 'utf8').trim());
      return processMentions(pid, this.dir) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** A containerd whose kubelet was killed keeps running in its own process group: stop it by its pid. */
  private async stopLeftoverContainerd(): Promise<void> {
    const pid = this.containerdPid();
    if (pid) await killAndWait(pid);
  }

  /** Shims of containers that outlived containerd name its socket, which lies under this kubelet's folder. */
  private async killShims(): Promise<void> {
    for (const entry of fs.readdirSync('/proc')) {
      const pid = Number(entry);
      if (Number.isInteger(pid) && pid > 1 && pid !== process.pid && processMentions(pid, this.dir)) await killAndWait(pid);
    }
  }

  /** Sandbox shm, container rootfs and volume mounts under the kubelet's folder, deepest first. */
  private unmountAll(): void {
    const points = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
      .filter((p): p is string => !!p && p.startsWith(`${this.dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const p of points) execFileSync('umount', ['-l', p], { stdio: 'ignore' });
  }
}

/** Removes every container and sandbox the runtime holds; returns the sandbox IDs it found. */
async function removeEverything(cri: TestKubeletRuntimeClient): Promise<string[]> {
  for (const c of await cri.listContainers()) {
    await cri.stopContainer(c.id, 0).catch(() => undefined);
    await cri.removeContainer(c.id);
  }
  const ids: string[] = [];
  for (const s of await cri.listPodSandbox()) {
    ids.push(s.id);
    await cri.stopPodSandbox(s.id);
    await cri.removePodSandbox(s.id);
  }
  return ids;
}

function processMentions(pid: number, text: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
  } catch {
    return false;
  }
}

/** SIGKILL, then waits until the process is gone or a zombie (its parent may not be us to reap it). */
async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitFor(
    () => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
      } catch {
        return true;
      }
    },
    { timeoutMs: 5000, intervalMs: 20, what: `pid ${pid} to exit after SIGKILL` },
  );
}
