import type { Command } from 'commander';
import { CliContext, type GlobalOptions } from './cli-context';
import { CommandExitError, describeError } from './errors';

/** Output sinks, so commands print through one place. */
export const out = {
  stdout: (text: string | Uint8Array) => process.stdout.write(text),
  stderr: (text: string | Uint8Array) => process.stderr.write(text),
};

/**
 * Wraps a command's action: builds the CliContext from the global flags, runs the action, and turns any error
 * into one message on stderr and exit code 1 (kubectl's contract); a remote command's exit code passes through.
 */
export function commandAction<A extends unknown[]>(run: (ctx: CliContext, opts: any, ...args: A) => Promise<void> | void) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const opts = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const args = received.slice(0, received.length - 2) as A;
    const ctx = new CliContext(opts);
    try {
      await run(ctx, opts, ...args);
    } catch (err) {
      const source = ctx.describeSource();
      out.stderr(describeError(err, source.server, source.kubeconfig) + '\n');
      process.exitCode = err instanceof CommandExitError ? err.exitCode : 1;
    } finally {
      ctx.close();
    }
  };
}

/** Commander collects repeated `-f a -f b` flags with this. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
