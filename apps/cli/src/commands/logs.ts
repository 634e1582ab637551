import { once } from 'node:events';
import type { Command } from 'commander';
import { pods, type Pod } from '@skiff/api';
import { queryString, resourcePath } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { defaultContainerOf, findContainer, podNameOf } from '../pod-container';
import { logQuery, type LogFlags, type LogQuery } from '../pod-logs/log-query';
import { copyLog, type LogSource } from '../pod-logs/log-stream';

interface LogsOptions extends LogFlags {
  container?: string;
  selector?: string;
  prefix?: boolean;
  allContainers?: boolean;
  maxLogRequests: string;
}

const usage = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description('Print the logs of a container, streamed from the kubelet of the pod\'s node')
    .argument('[pod]', 'pod name or pod/NAME')
    .argument('[container]', 'container (the same as -c)')
    .option('-f, --follow', 'keep streaming until the server ends the log (or Ctrl-C)')
    .option('-c, --container <name>', 'container (default: the default-container annotation, else the first one)')
    .option('--all-containers', 'the logs of every container of the pod(s)')
    .option('--tail <lines>', 'only the last lines; -1 for all (the default, 10 with -l)')
    .option('-p, --previous', 'the previous, terminated instance of the container')
    .option('--timestamps', 'prefix each line with its RFC 3339 time')
    .option('--since <duration>', 'only lines newer than this (5s, 2m, 3h)')
    .option('--since-time <time>', 'only lines after this RFC 3339 time')
    .option('--limit-bytes <bytes>', 'stop after this many bytes')
    .option('-l, --selector <selector>', 'the logs of every pod matching a label selector')
    .option('--prefix', 'start each line with [pod/NAME/CONTAINER]')
    .option('--max-log-requests <n>', 'how many logs -f may follow at once with -l or --all-containers', '5')
    .action(commandAction((ctx, opts: LogsOptions, target?: string, container?: string) => logsCommand(ctx, opts, target, container)));
}

async function logsCommand(ctx: CliContext, opts: LogsOptions, target: string | undefined, inlineContainer: string | undefined): Promise<void> {
  if (target && opts.selector) throw new CliError('only a selector (-l) or a POD name is allowed');
  if (!target && !opts.selector) throw new CliError(usage);
  if (inlineContainer && opts.container) throw new CliError('only one of -c or an inline [CONTAINER] arg is allowed');
  const container = opts.container ?? inlineContainer;
  if (opts.allContainers && container) throw new CliError('--all-containers=true should not be specified with container name ' + container);
  const maxFollowed = Number(opts.maxLogRequests);
  if (!Number.isInteger(maxFollowed) || maxFollowed < 1) throw new CliError('--max-log-requests must be greater than 0');
  const query = logQuery(opts, Boolean(opts.selector));

  const chosen = opts.selector
    ? (await ctx.client.list<Pod>(pods, ctx.namespace, { labelSelector: opts.selector })).items
    : [await ctx.client.get<Pod>(pods, ctx.namespace, podNameOf(target!, 'logs'))];
  if (chosen.length === 0) {
    out.stderr(`No resources found in ${ctx.namespace} namespace.\n`);
    return;
  }
  const sources = chosen.flatMap((pod) => logSources(ctx, pod, query, { container, all: opts.allContainers }));

  const parallel = Boolean(opts.follow) && sources.length > 1;
  if (parallel && sources.length > maxFollowed) {
    throw new CliError(
      `you are attempting to follow ${sources.length} log streams, but maximum allowed concurrency is ${maxFollowed}, use --max-log-requests to increase the limit`,
    );
  }
  // Logs printed side by side are cut at line ends, so that they never interleave within a line.
  const copy = (s: LogSource) =>
    copyLog(ctx.client, s, { linePrefix: opts.prefix ? `[pod/${s.pod}/${s.container}] ` : parallel ? '' : undefined, write: writeStdout });
  if (parallel) await Promise.all(sources.map(copy));
  else for (const s of sources) await copy(s);
}

/** The containers whose logs are asked for, in kubectl's order for --all-containers: init, regular, ephemeral. */
function logSources(ctx: CliContext, pod: Pod, query: LogQuery, pick: { container?: string; all?: boolean }): LogSource[] {
  const name = pod.metadata.name!;
  let containers: string[];
  if (pick.all) {
    const spec = pod.spec;
    containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  } else if (pick.container) {
    if (!findContainer(pod, pick.container)) throw new CliError(`container ${pick.container} is not valid for pod ${name}`);
    containers = [pick.container];
  } else {
    containers = [defaultContainerOf(pod, { warn: (line) => out.stderr(`${line}\n`), reportMissingAnnotated: true })];
  }
  const base = resourcePath(pods, { namespace: pod.metadata.namespace ?? ctx.namespace, name, subresource: 'log' });
  return containers.map((c) => ({ pod: name, container: c, path: base + queryString({ container: c, ...query }) }));
}

async function writeStdout(chunk: Buffer): Promise<void> {
  if (!out.stdout(chunk)) await once(process.stdout, 'drain');
}
