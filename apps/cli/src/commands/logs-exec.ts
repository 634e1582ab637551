import type { Command } from 'commander';
import { pods, type Pod } from '@skiff/api';
import { apiErrorFromResponse, queryString, resourcePath } from '@skiff/client';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';

interface LogsOptions {
  follow?: boolean;
  container?: string;
  tail?: string;
  previous?: boolean;
  timestamps?: boolean;
  selector?: string;
}

export function registerLogsExec(program: Command): void {
  program
    .command('logs')
    .description('Print a container\'s logs (served by the kubelet of the pod\'s node)')
    .argument('[pod]', 'pod name or pod/NAME')
    .option('-f, --follow', 'keep streaming')
    .option('-c, --container <name>', 'container (default: the only or first one)')
    .option('--tail <lines>', 'only the last lines')
    .option('-p, --previous', 'the previous, terminated instance of the container')
    .option('--timestamps', 'prefix each line with its time')
    .option('-l, --selector <selector>', 'logs of every pod matching a label selector')
    .action(
      commandAction(async (ctx, opts: LogsOptions, target?: string) => {
        let names: string[];
        if (opts.selector) names = (await ctx.client.list<Pod>(pods, ctx.namespace, { labelSelector: opts.selector })).items.map((p) => p.metadata.name!);
        else if (target) names = [target.replace(/^(pods?|po)\//, '')];
        else throw new CliError('logs needs a pod name or -l <selector>');
        for (const name of names) {
          const query = { container: opts.container, follow: opts.follow || undefined, tailLines: opts.tail, previous: opts.previous || undefined, timestamps: opts.timestamps || undefined };
          const path = resourcePath(pods, { namespace: ctx.namespace, name, subresource: 'log' }) + queryString(query);
          const res = await ctx.client.rawRequest('GET', path, undefined, { Accept: 'text/plain, application/json' });
          if (res.status >= 300) throw apiErrorFromResponse(res.status, res.body, 'GET', path);
          out.stdout(res.body);
        }
      }),
    );

  program
    .command('exec')
    .description('Run a command in a container (served by the kubelet of the pod\'s node)')
    .argument('<pod>', 'pod name or pod/NAME')
    .argument('<command...>', 'the command, after --')
    .option('-c, --container <name>', 'container')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'allocate a terminal')
    .action(
      commandAction(async (ctx, opts: { container?: string; stdin?: boolean; tty?: boolean }, target: string, command: string[]) => {
        const name = target.replace(/^(pods?|po)\//, '');
        const query = new URLSearchParams();
        for (const c of command) query.append('command', c);
        if (opts.container) query.set('container', opts.container);
        query.set('stdout', 'true');
        query.set('stderr', 'true');
        if (opts.stdin) query.set('stdin', 'true');
        if (opts.tty) query.set('tty', 'true');
        const path = `${resourcePath(pods, { namespace: ctx.namespace, name, subresource: 'exec' })}?${query}`;
        // Streaming exec needs the kubelet's upgraded connection; until it answers, the server's reply is the message.
        const res = await ctx.client.rawRequest('POST', path, undefined, { Accept: 'application/json' });
        if (res.status >= 300) throw apiErrorFromResponse(res.status, res.body, 'POST', path);
        throw new CliError(`exec: the server accepted the request but this skiff cannot stream it yet (status ${res.status})`);
      }),
    );
}
