import type { Command } from 'commander';
import { pods, type Pod } from '@skiff/api';
import { resourcePath } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { CliError, CommandExitError } from '../errors';
import { defaultContainerOf, findContainer, podNameOf } from '../pod-container';
import { LocalTerminal } from '../remote-command/local-terminal';
import { runRemoteCommand } from '../remote-command/remote-command-client';

interface RemoteCommandFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

export function registerExecAttach(program: Command): void {
  program
    .command('exec')
    .description('Run a command in a container, its input and output connected to this terminal')
    .usage('POD [-c CONTAINER] [-i] [-t] -- COMMAND [args...]')
    .argument('<pod>', 'pod name or pod/NAME')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-c, --container <name>', 'container (default: the default-container annotation, else the first one)')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'run the command in a terminal (with -i, when stdin is a terminal)')
    .option('-q, --quiet', 'print only the command\'s output')
    .action(commandAction((ctx, opts: RemoteCommandFlags, target: string, command: string[]) => execCommand(ctx, opts, target, command)));

  program
    .command('attach')
    .description('Attach to the main process of a running container')
    .argument('<pod>', 'pod name or pod/NAME')
    .option('-c, --container <name>', 'container (default: the default-container annotation, else the first one)')
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a terminal (with -i, when stdin is a terminal)')
    .option('-q, --quiet', 'print only the container\'s output')
    .action(commandAction((ctx, opts: RemoteCommandFlags, target: string) => attachCommand(ctx, opts, target)));
}

const warn = (line: string) => out.stderr(`${line}\n`);

async function execCommand(ctx: CliContext, flags: RemoteCommandFlags, target: string, command: string[]): Promise<void> {
  if (command.length === 0) throw new CliError('you must specify at least one command for the container');
  const pod = await runningPod(ctx, target, 'exec', 'exec into');
  const container = flags.container ?? defaultContainerOf(pod, { warn: flags.quiet ? undefined : warn });
  const query = new URLSearchParams();
  for (const arg of command) query.append('command', arg);
  await runSession(ctx, pod, 'exec', container, query, localStreams(flags));
}

async function attachCommand(ctx: CliContext, flags: RemoteCommandFlags, target: string): Promise<void> {
  const pod = await runningPod(ctx, target, 'attach', 'attach');
  const container = flags.container ?? defaultContainerOf(pod, { warn: flags.quiet ? undefined : warn });
  // The terminal must match how the container's process was started: a process without one cannot get one now.
  const spec = findContainer(pod, container) as { tty?: boolean } | undefined;
  let tty = Boolean(flags.tty);
  if (tty && spec && !spec.tty) {
    tty = false;
    if (!flags.quiet) warn(`error: Unable to use a TTY - container ${container} did not allocate one`);
  } else if (!tty && spec?.tty) {
    tty = true;
  }
  const streams = localStreams({ ...flags, tty });
  if (!flags.quiet) warn("If you don't see a command prompt, try pressing enter.");
  await runSession(ctx, pod, 'attach', container, new URLSearchParams(), streams);
}

/** The pod, which must not have finished: there is nothing left to run a command in. */
async function runningPod(ctx: CliContext, target: string, verb: string, action: string): Promise<Pod> {
  const pod = await ctx.client.get<Pod>(pods, ctx.namespace, podNameOf(target, verb));
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`cannot ${action} a container in a completed pod; current phase is ${phase}`);
  return pod;
}

interface LocalStreams {
  stdin: boolean;
  tty: boolean;
}

/** As kubectl: a terminal needs stdin, and stdin must be a terminal; otherwise the command runs without one. */
function localStreams(flags: RemoteCommandFlags): LocalStreams {
  if (!flags.stdin) return { stdin: false, tty: false };
  if (!flags.tty) return { stdin: true, tty: false };
  if (!process.stdin.isTTY) {
    if (!flags.quiet) warn('Unable to use a TTY - input is not a terminal or the right kind of file');
    return { stdin: true, tty: false };
  }
  return { stdin: true, tty: true };
}

/**
 * Connects local stdin/stdout/stderr to the command over the exec or attach WebSocket, the terminal in raw mode
 * under a tty, and ends the way the remote command ended: its exit code passes through.
 */
async function runSession(ctx: CliContext, pod: Pod, kind: 'exec' | 'attach', container: string, query: URLSearchParams, local: LocalStreams): Promise<void> {
  query.set('container', container);
  if (local.stdin) query.set('stdin', 'true');
  query.set('stdout', 'true');
  // Under a terminal, stderr arrives merged into stdout.
  if (!local.tty) query.set('stderr', 'true');
  if (local.tty) query.set('tty', 'true');
  const path = `${resourcePath(pods, { namespace: pod.metadata.namespace ?? ctx.namespace, name: pod.metadata.name!, subresource: kind })}?${query}`;

  const terminal = local.tty ? new LocalTerminal(process.stdin, process.stdout) : undefined;
  const restoreTerminal = terminal?.makeRaw() ?? (() => undefined);
  try {
    const exitCode = await runRemoteCommand(ctx.client.connectionTo(path), {
      stdin: local.stdin ? process.stdin : undefined,
      stdout: process.stdout,
      stderr: process.stderr,
      terminal,
    });
    if (exitCode !== 0) throw new CommandExitError(exitCode);
  } finally {
    restoreTerminal();
    // Nothing reads stdin any more; left open, it would keep skiff running.
    if (local.stdin) process.stdin.destroy();
  }
}
