import type { Command } from 'commander';
import { apiVersionOf, builtinScheme } from '@skiff/api';
import { commandAction, out } from '../command-action';
import { alignColumns } from '../printers/table-text';

/** The CLI's own version, from its package.json. */
function clientVersion(): string {
  return `v${(require('../../package.json') as { version: string }).version}`;
}

export function registerInfo(program: Command): void {
  program
    .command('api-resources')
    .description('List the resource types the server serves')
    .option('--namespaced <bool>', 'only namespaced (true) or cluster-scoped (false) types')
    .option('-o, --output <format>', 'name: only the names')
    .action(
      commandAction(async (_ctx, opts: { namespaced?: string; output?: string }) => {
        const types = builtinScheme.all
          .filter((t) => opts.namespaced === undefined || String(t.namespaced) === opts.namespaced)
          .sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource));
        if (opts.output === 'name') {
          out.stdout(types.map((t) => (t.group ? `${t.resource}.${t.group}` : t.resource) + '\n').join(''));
          return;
        }
        const rows = types.map((t) => [t.resource, t.shortNames.join(','), apiVersionOf(t), String(t.namespaced), t.kind]);
        out.stdout(alignColumns([['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ...rows]));
      }),
    );

  program
    .command('version')
    .description('Print the client and server versions')
    .option('--client', 'only the client version (no server needed)')
    .option('-o, --output <format>', 'json or yaml')
    .action(
      commandAction(async (ctx, opts: { client?: boolean; output?: string }) => {
        const client = { gitVersion: clientVersion() };
        let server: Record<string, unknown> | undefined;
        if (!opts.client) {
          const res = await ctx.client.rawRequest('GET', '/version');
          server = JSON.parse(res.body) as Record<string, unknown>;
        }
        if (opts.output === 'json') {
          out.stdout(JSON.stringify({ clientVersion: client, ...(server && { serverVersion: server }) }, null, 2) + '\n');
          return;
        }
        out.stdout(`Client Version: ${client.gitVersion}\n`);
        if (server) out.stdout(`Server Version: ${String(server.gitVersion)}\n`);
      }),
    );
}
