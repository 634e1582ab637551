import path from 'node:path';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

function apiserverBin(): string {
  const pkg = require.resolve('@skiff/apiserver/package.json');
  return path.join(path.dirname(pkg), 'bin', 'skiff-apiserver.js');
}

export interface TestApiserverOptions {
  /** One etcd client URL, or several joined with commas (the members of a TestEtcdCluster). */
  etcdEndpoint: string;
  /** A fixed port (needed to restart on the same address); 0 lets the OS pick. */
  port?: number;
  /** A loopback address other than 127.0.0.1, so that several apiservers can share one port. */
  bindAddress?: string;
  extraArgs?: string[];
}

/** A real skiff-apiserver process, as built by `npm install` / `tsc -b`, on a loopback port. */
export class TestApiserver {
  private proc?: ProcessHandle;
  port = 0;
  /** The HTTPS port, when started with `--secure-port`. */
  securePort?: number;

  private constructor(private readonly opts: TestApiserverOptions) {}

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  private get host(): string {
    return this.opts.bindAddress ?? '127.0.0.1';
  }

  /** The HTTPS address (authentication and authorization), when started with `--secure-port`. */
  get secureUrl(): string {
    if (this.securePort === undefined) throw new Error('the apiserver was started without --secure-port');
    return `https://${this.host}:${this.securePort}`;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get output(): string {
    return this.proc?.recentOutput ?? '';
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  static async start(opts: TestApiserverOptions): Promise<TestApiserver> {
    const s = new TestApiserver(opts);
    await s.launch();
    return s;
  }

  private async launch(): Promise<void> {
    this.proc = ProcessHandle.start('skiff-apiserver', process.execPath, [
      apiserverBin(),
      `--etcd-servers=${this.opts.etcdEndpoint}`,
      `--bind-address=${this.host}`,
      `--port=${this.port || this.opts.port || 0}`,
      ...(this.opts.extraArgs ?? []),
    ]);
    const at = this.host.replace(/\./g, '\\.');
    const m = await this.proc.waitForOutput(new RegExp(`listening on http://${at}:(\\d+)`));
    this.port = Number(m[1]);
    const securePattern = new RegExp(`listening on https://${at}:(\\d+)`);
    const secure = securePattern.exec(this.proc.recentOutput);
    if (this.opts.extraArgs?.some((a) => a.startsWith('--secure-port'))) {
      this.securePort = Number((secure ?? (await this.proc.waitForOutput(securePattern)))[1]);
    }
    await waitFor(async () => (await fetch(`${this.url}/readyz`)).ok, { what: 'apiserver /readyz' });
    // The system namespaces exist once bootstrap has run.
    await waitFor(async () => (await fetch(`${this.url}/api/v1/namespaces/kube-node-lease`)).ok, { what: 'system namespaces' });
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  /** Starts the apiserver again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}

/** etcd plus one apiserver: what an integration test needs; the scheduler and controller-manager when asked for. */
export interface TestControlPlane {
  etcd: import('./etcd').TestEtcd;
  apiserver: TestApiserver;
  /** With `tls`: the CA and certificates the apiserver serves and dials kubelets with; kubelets take theirs from it. */
  pki?: import('./test-pki').TestPki;
  scheduler?: import('./scheduler').TestScheduler;
  controllerManager?: import('./controller-manager').TestControllerManager;
  stop(): Promise<void>;
}
