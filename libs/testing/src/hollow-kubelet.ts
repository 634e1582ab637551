import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestControlPlane } from './apiserver';
import { writeTestKubeconfig } from './controller-manager';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

function kubeletBin(): string {
  const pkg = require.resolve('@skiff/kubelet/package.json');
  return path.join(path.dirname(pkg), 'bin', 'skiff-kubelet.js');
}

export interface TestHollowKubeletOptions {
  controlPlane: Pick<TestControlPlane, 'apiserver' | 'pki'>;
  /** Defaults to `hollow-<pid>`. */
  nodeName?: string;
  /**
   * Serve the kubelet API over HTTPS with Webhook authorization and reach the apiserver's secure port as
   * system:node:<name>, with certificates from the control plane's TestPki (start it with `tls: true`).
   */
  tls?: boolean;
  /** Extra flags, e.g. `--node-status-update-frequency=1s`. */
  args?: string[];
}

/**
 * A real skiff-kubelet with `--runtime=fake`: a node that registers, runs pods without processes and serves the
 * kubelet API (logs from files under `podLogsDir`), needing no root, containerd or network set-up. Stopped by PID.
 */
export class TestHollowKubelet {
  private proc?: ProcessHandle;
  port = 0;

  private constructor(
    private readonly opts: TestHollowKubeletOptions,
    readonly nodeName: string,
    readonly dir: string,
  ) {}

  static async start(opts: TestHollowKubeletOptions): Promise<TestHollowKubelet> {
    const nodeName = opts.nodeName ?? `hollow-${process.pid}`;
    const k = new TestHollowKubelet(opts, nodeName, fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-hollow-kl-')));
    try {
      await k.launch();
    } catch (e) {
      await k.stop();
      throw e;
    }
    return k;
  }

  get podLogsDir(): string {
    return path.join(this.dir, 'logs');
  }

  /** The kubelet API: https with `tls`, else http. */
  get url(): string {
    return `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get output(): string {
    return this.proc?.recentOutput ?? '';
  }

  private async launch(): Promise<void> {
    const cp = this.opts.controlPlane;
    let kubeconfig: string;
    let tlsArgs: string[] = [];
    if (this.opts.tls) {
      if (!cp.pki) throw new Error('a TLS hollow kubelet needs a control plane started with tls: true');
      const { client } = await cp.pki.node(this.nodeName);
      kubeconfig = cp.pki.writeKubeconfig(path.join(this.dir, 'kubeconfig'), cp.apiserver.secureUrl, client, `system:node:${this.nodeName}`);
      tlsArgs = await cp.pki.kubeletArgs(this.nodeName);
    } else {
      kubeconfig = writeTestKubeconfig(cp, this.dir);
    }
    this.proc = ProcessHandle.start('skiff-kubelet', process.execPath, [
      kubeletBin(),
      `--kubeconfig=${kubeconfig}`,
      '--runtime=fake',
      `--hostname-override=${this.nodeName}`,
      '--node-ip=127.0.0.1',
      '--address=127.0.0.1',
      '--port=0',
      '--healthz-port=0',
      `--root-dir=${path.join(this.dir, 'root')}`,
      `--pod-logs-dir=${this.podLogsDir}`,
      // Pod IPs come from the in-memory runtime; no network is made for them.
      '--pod-cidr=10.250.0.0/24',
      ...tlsArgs,
      ...(this.opts.args ?? []),
    ]);
    const m = await this.proc.waitForOutput(/listening on https?:\/\/[\d.]+:(\d+)/, 30_000);
    this.port = Number(m[1]);
  }

  /** Resolves once the Node reports Ready=True (read on the apiserver's plain port). */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.proc?.running) throw new Error(`skiff-kubelet exited:\n${this.output}`);
        const res = await fetch(`${this.opts.controlPlane.apiserver.url}/api/v1/nodes/${this.nodeName}`);
        if (!res.ok) return false;
        const node = (await res.json()) as { status?: { conditions?: Array<{ type: string; status: string }> } };
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      },
      { timeoutMs, intervalMs: 200, what: `node ${this.nodeName} to be Ready` },
    );
  }

  /** SIGTERM, then SIGKILL by PID; removes its folders. */
  async stop(): Promise<void> {
    await this.proc?.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
