import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestControlPlane } from './apiserver';
import { writeTestKubeconfig } from './controller-manager';
import { campaignIdentity } from './lease-identity';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

function schedulerBin(): string {
  const pkg = require.resolve('@skiff/scheduler/package.json');
  return path.join(path.dirname(pkg), 'bin', 'skiff-scheduler.js');
}

/** A real skiff-scheduler process (as built by `tsc -b`) against a TestControlPlane, stopped by PID. */
export class TestScheduler {
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

  static async start(controlPlane: Pick<TestControlPlane, 'apiserver' | 'pki'>, args: string[] = []): Promise<TestScheduler> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-scheduler-'));
    const kubeconfig = writeTestKubeconfig(controlPlane, dir);
    const proc = ProcessHandle.start('skiff-scheduler', process.execPath, [schedulerBin(), `--kubeconfig=${kubeconfig}`, '--port=0', ...args]);
    try {
      const m = await proc.waitForOutput(/listening on (http:\/\/[\d.]+:\d+)/);
      const s = new TestScheduler(proc, dir, m[1], args.some((a) => a === '--leader-elect' || a === '--leader-elect=true'));
      await waitFor(async () => (await fetch(`${s.url}/readyz`)).ok, { what: 'skiff-scheduler /readyz', timeoutMs: 30_000, intervalMs: 100 });
      return s;
    } catch (e) {
      await proc.kill();
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get pid(): number {
    return this.proc.pid;
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

  /** SIGKILL, as a crash would: no lease release, no clean shutdown. */
  async kill(): Promise<void> {
    await this.proc.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
