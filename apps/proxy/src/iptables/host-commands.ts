import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program on the node and reports its exit code and output; never throws for a non-zero exit. */
export type CommandRunner = (command: string, args: readonly string[], input?: string) => Promise<CommandResult>;

export interface HostCommandsOptions {
  /** Put before every command, e.g. `['ip', 'netns', 'exec', 'test-node']` to act inside a network namespace. */
  prefix?: readonly string[];
  /** A command still running after this long is killed (default 60 s). */
  timeoutMs?: number;
}

/**
 * The programs the proxy runs on its node (iptables, sysctl, ip). A missing program is the one error thrown,
 * with the package to install named.
 */
export function hostCommands(opts: HostCommandsOptions = {}): CommandRunner {
  const prefix = opts.prefix ?? [];
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return (command, args, input) =>
    new Promise((resolve, reject) => {
      const argv = [...prefix, command, ...args];
      const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err.code === 'ENOENT' ? new Error(`${argv[0]} is not installed (Debian: apt-get install -y ${packageOf(argv[0])})`) : err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal === 'SIGKILL' ? `${stderr}killed after ${timeoutMs} ms` : stderr });
      });
      // A program that exits before reading its input closes the pipe; the exit code tells what went wrong.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
}

function packageOf(program: string): string {
  if (program.startsWith('iptables')) return 'iptables';
  if (program === 'ip') return 'iproute2';
  if (program === 'sysctl') return 'procps';
  return program;
}
