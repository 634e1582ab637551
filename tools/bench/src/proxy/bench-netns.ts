import { execFileSync } from 'node:child_process';
import { hostCommands, type CommandRunner } from '@skiff/proxy';

/**
 * A network namespace of the benchmark's own: every iptables command of the run goes into it, so the host's tables
 * are never touched, and deleting it drops every rule the run made.
 */
export class BenchNetns {
  /** Runs a program inside the namespace (as the proxy's appliers take it). */
  readonly run: CommandRunner;
  private removed = false;

  private constructor(readonly name: string) {
    this.run = hostCommands({ prefix: ['ip', 'netns', 'exec', name] });
  }

  static create(name: string): BenchNetns {
    try {
      execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer; message: string };
      if (err.code === 'ENOENT') throw new Error('ip is not installed (Debian: apt-get install -y iproute2)');
      throw new Error(`cannot create network namespace ${name}: ${err.stderr?.toString().trim() || err.message}`);
    }
    const ns = new BenchNetns(name);
    execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Deletes the namespace (and with it every rule inside); safe to call twice. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}
