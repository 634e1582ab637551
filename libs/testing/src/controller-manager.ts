import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestControlPlane } from './apiserver';
import { campaignIdentity } from './lease-identity';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

function controllerManagerBin(): string {
  const pkg = require.resolve('@skiff/controller-manager/package.json');
  return path.join(path.dirname(pkg), 'bin', 'skiff-controller-manager.js');
}

/** Writes a kubeconfig that points at the control plane's apiserver; returns its path. */
export function writeTestKubeconfig(controlPlane: Pick<TestControlPlane, 'apiserver' | 'pki'>, dir: string): string {
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: test, cluster: {server: "${controlPlane.apiserver.url}"}}]`,
      'users: [{name: test, user: {}}]',
      'contexts: [{name: test, context: {cluster: test, user: test}}]',
      'current-context: test',
      '',
    ].join('\n'),
  );
  return file;
}

export interface TestControllerManagerOptions {
  /** Extra flags, e.g. `--controllers=*,-replicaset` or `--leader-elect`. */
  args?: string[];
  /** Wait for /readyz (controllers running); false when the process is expected not to lead. Default true. */
  waitUntilRunning?: boolean;
}

/** A real skiff-controller-manager process (as built by `tsc -b`) against a TestControlPlane, stopped by PID. */
export class TestControllerManager {
  /** With --leader-elect: the holderIdentity it writes on the Lease when it leads. */
  readonly leaseIdentity?: Promise<string>;

  private constructor(
    private readonly proc: ProcessHandle,
    private readonly dir: string,
    /** Base URL of its /healthz, /readyz and /metrics. */
    readonly url: string,
    leaderElect: boolean,
  ) {
    if (leaderElect) this.leaseIdentity = campaignIdentity(proc);
  }

  static async start(controlPlane: Pick<TestControlPlane, 'apiserver' | 'pki'>, opts: TestControllerManagerOptions = {}): Promise<TestControllerManager> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-controller-manager-'));
    const kubeconfig = writeTestKubeconfig(controlPlane, dir);
    const proc = ProcessHandle.start('skiff-controller-manager', process.execPath, [controllerManagerBin(), `--kubeconfig=${kubeconfig}`, '--port=0', ...(opts.args ?? [])]);
    try {
      const m = await proc.waitForOutput(/listening on (http:\/\/[\d.]+:\d+)/);
      const cm = new TestControllerManager(proc, dir, m[1], (opts.args ?? []).some((a) => a === '--leader-elect' || a === '--leader-elect=true'));
      if (opts.waitUntilRunning ?? true) await waitFor(async () => (await fetch(`${cm.url}/readyz`)).ok, { what: 'controller-manager /readyz', timeoutMs: 20_000 });
      return cm;
    } catch (e) {
      await proc.kill();
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** Exit code once it has exited (null while running or when killed by a signal). */
  get exitCode(): number | null {
    return this.proc.child.exitCode;
  }

  get running(): boolean {
    return this.proc.running;
  }

  /** The last 64 KiB it printed, for failure messages. */
  get output(): string {
    return this.proc.recentOutput;
  }

  /** SIGTERM (then SIGKILL after the grace period); removes its kubeconfig. */
  async stop(): Promise<void> {
    await this.proc.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    await this.proc.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
