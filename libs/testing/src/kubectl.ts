import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl still running (e.g. `logs -f`), whose output can be read while it runs. */
export interface RunningKubectl {
  readonly pid: number;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  /** Everything it printed on stderr so far. */
  stderr(): string;
  /** Resolves when it exits (killed after the timeout given to `start`). */
  exited: Promise<KubectlResult>;
  kill(): void;
}

/** The real kubectl on this machine; the e2e suite fails with this message when it is missing. */
export function kubectlBinary(version?: string): string {
  const candidates = version ? [`kubectl.${version}`] : ['kubectl'];
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/lib/google-cloud-sdk/bin')) {
    for (const name of candidates) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  throw new Error(`${candidates[0]} is not installed: the kubectl end-to-end tests need the real kubectl on PATH`);
}

/** Runs kubectl against one server with its own kubeconfig and discovery cache; never waits more than `timeoutMs`. */
export class Kubectl {
  readonly dir: string;
  readonly kubeconfig: string;

  constructor(
    server: string,
    readonly binaryPath = kubectlBinary(),
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-kubectl-'));
    this.kubeconfig = path.join(this.dir, 'kubeconfig');
    fs.writeFileSync(
      this.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: skiff, cluster: {server: "${server}"}}]`,
        'users: [{name: admin, user: {}}]',
        'contexts: [{name: skiff, context: {cluster: skiff, user: admin, namespace: default}}]',
        'current-context: skiff',
        '',
      ].join('\n'),
    );
  }

  run(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binaryPath,
        [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${path.join(this.dir, 'cache')}`, ...args],
        { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, KUBECONFIG: this.kubeconfig, HOME: this.dir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
    });
  }

  /** Starts kubectl without waiting for it; it is killed if it runs longer than `timeoutMs`. */
  start(args: string[], opts: { timeoutMs?: number } = {}): RunningKubectl {
    const child = spawn(this.binaryPath, [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${path.join(this.dir, 'cache')}`, ...args], {
      env: { ...process.env, KUBECONFIG: this.kubeconfig, HOME: this.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    const exited = new Promise<KubectlResult>((resolve) =>
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      }),
    );
    return { pid: child.pid ?? -1, stdout: () => stdout, stderr: () => stderr, exited, kill: () => child.kill('SIGKILL') };
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async ok(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** Writes a manifest into the working directory and returns its path. */
  file(name: string, content: string): string {
    const p = path.join(this.dir, name);
    fs.writeFileSync(p, content);
    return p;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
