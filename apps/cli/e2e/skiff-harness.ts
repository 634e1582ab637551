import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const skiffBin = path.join(__dirname, '..', 'bin', 'skiff.js');

/** A scratch directory with a kubeconfig for one server, and runners for the built skiff and the real kubectl. */
export class CliHarness {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-'));
  readonly kubeconfig = path.join(this.dir, 'kubeconfig');

  constructor(readonly server: string) {
    fs.writeFileSync(
      this.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: skiff, cluster: {server: "${server}"}}]`,
        'users: [{name: admin, user: {}}]',
        'contexts:',
        '- {name: skiff, context: {cluster: skiff, user: admin, namespace: default}}',
        '- {name: system, context: {cluster: skiff, user: admin, namespace: kube-system}}',
        'current-context: skiff',
        '',
      ].join('\n'),
    );
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: this.kubeconfig, HOME: this.dir, ...extra };
  }

  private exec(file: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = execFile(file, args, { timeout: 30_000, env: this.env(env) }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(stdin ?? '');
    });
  }

  skiff(args: string[], stdin?: string): Promise<RunResult> {
    return this.exec(process.execPath, [skiffBin, ...args], stdin);
  }

  skiffWithEnv(args: string[], env: Record<string, string>): Promise<RunResult> {
    return this.exec(process.execPath, [skiffBin, ...args], undefined, env);
  }

  /** Runs skiff with its stdout on a pseudo-terminal (util-linux `script`), to see what a user's terminal gets. */
  skiffOnTerminal(args: string[]): Promise<RunResult> {
    const command = [process.execPath, skiffBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return this.exec('script', ['-qec', command, '/dev/null']);
  }

  /** Runs skiff and fails with its output unless it exits 0. */
  async ok(args: string[], stdin?: string): Promise<string> {
    const r = await this.skiff(args, stdin);
    if (r.code !== 0) throw new Error(`skiff ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  kubectl(args: string[], stdin?: string): Promise<RunResult> {
    return this.exec('kubectl', [`--cache-dir=${path.join(this.dir, 'kubectl-cache')}`, ...args], stdin);
  }

  async kubectlOk(args: string[], stdin?: string): Promise<string> {
    const r = await this.kubectl(args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** A long-running skiff (get -w) whose output accumulates until it is killed. */
  spawnSkiff(args: string[]): { child: ChildProcess; output: () => string } {
    const child = spawn(process.execPath, [skiffBin, ...args], { env: this.env() });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    return { child, output: () => text };
  }

  file(name: string, content: string): string {
    const p = path.join(this.dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function podManifest(name: string, image: string, extra: { labels?: Record<string, string>; ports?: number[] } = {}): string {
  const labels = extra.labels ?? { app: name };
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    ...Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`),
    'spec:',
    '  containers:',
    '  - name: app',
    `    image: ${image}`,
    ...(extra.ports?.length ? ['    ports:', ...extra.ports.map((p) => `    - containerPort: ${p}`)] : []),
    '',
  ].join('\n');
}
