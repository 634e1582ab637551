import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { parseDocument, stringify, type Document } from 'yaml';
import { readKubeconfig } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { alignColumns } from '../printers/table-text';

/** The file kubectl writes config changes to: --kubeconfig, else the first KUBECONFIG file, else ~/.kube/config. */
function kubeconfigToWrite(ctx: CliContext): string {
  if (ctx.flags.kubeconfig) return ctx.flags.kubeconfig;
  const listed = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  return listed.find((f) => fs.existsSync(f)) ?? listed[0] ?? path.join(os.homedir(), '.kube', 'config');
}

function loadDocument(file: string): Document {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : 'apiVersion: v1\nkind: Config\n';
  return parseDocument(text);
}

function save(file: string, doc: Document): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, doc.toString());
}

const redactedFields = ['certificate-authority-data', 'client-certificate-data', 'client-key-data', 'token'];

function redact(entry: Record<string, unknown>, raw: boolean): Record<string, unknown> {
  if (raw) return entry;
  const copy = { ...entry };
  for (const f of redactedFields) if (copy[f] !== undefined) copy[f] = f === 'token' ? 'REDACTED' : 'DATA+OMITTED';
  return copy;
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('View and change kubeconfig files (contexts, namespaces)');

  config
    .command('view')
    .description('Print the merged kubeconfig (secrets redacted unless --raw)')
    .option('--raw', 'show certificates and tokens')
    .option('--minify', 'only what the current context uses')
    .action(
      commandAction((ctx, opts: { raw?: boolean; minify?: boolean }) => {
        const kc = readKubeconfig({ kubeconfigPath: ctx.flags.kubeconfig });
        const current = ctx.flags.context ?? kc.currentContext;
        const context = current ? kc.contexts.get(current) : undefined;
        const keep = (kind: 'cluster' | 'user' | 'context', name: string) =>
          !opts.minify || (kind === 'context' ? name === current : context?.[kind] === name);
        const named = (m: Map<string, Record<string, unknown>>, kind: 'cluster' | 'user' | 'context') =>
          [...m].filter(([name]) => keep(kind, name)).map(([name, entry]) => ({ name, [kind]: redact(entry, Boolean(opts.raw)) }));
        const doc = {
          apiVersion: 'v1',
          kind: 'Config',
          clusters: named(kc.clusters, 'cluster'),
          contexts: named(kc.contexts, 'context'),
          'current-context': current ?? '',
          preferences: {},
          users: named(kc.users, 'user'),
        };
        out.stdout(stringify(doc));
      }),
    );

  config
    .command('get-contexts')
    .description('List the contexts; * marks the current one')
    .argument('[name]', 'only this context')
    .option('-o, --output <format>', 'name: only the names')
    .action(
      commandAction((ctx, opts: { output?: string }, name?: string) => {
        const kc = readKubeconfig({ kubeconfigPath: ctx.flags.kubeconfig });
        if (name && !kc.contexts.has(name)) throw new CliError(`context ${name} not found`);
        const names = [...kc.contexts.keys()].filter((n) => !name || n === name).sort();
        if (opts.output === 'name') {
          out.stdout(names.map((n) => n + '\n').join(''));
          return;
        }
        const rows = names.map((n) => {
          const c = kc.contexts.get(n)!;
          return [n === kc.currentContext ? '*' : '', n, String(c.cluster ?? ''), String(c.user ?? ''), String(c.namespace ?? '')];
        });
        out.stdout(alignColumns([['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'], ...rows]));
      }),
    );

  config
    .command('current-context')
    .description('Print the current context')
    .action(
      commandAction((ctx) => {
        const current = readKubeconfig({ kubeconfigPath: ctx.flags.kubeconfig }).currentContext;
        if (!current) throw new CliError('current-context is not set');
        out.stdout(current + '\n');
      }),
    );

  config
    .command('use-context')
    .description('Set current-context in the kubeconfig file')
    .argument('<name>', 'context name')
    .action(
      commandAction((ctx, _opts: unknown, name: string) => {
        const kc = readKubeconfig({ kubeconfigPath: ctx.flags.kubeconfig });
        if (!kc.contexts.has(name)) throw new CliError(`no context exists with the name: "${name}" (known: ${[...kc.contexts.keys()].join(', ') || 'none'})`);
        const file = kubeconfigToWrite(ctx);
        const doc = loadDocument(file);
        doc.set('current-context', name);
        save(file, doc);
        out.stdout(`Switched to context "${name}".\n`);
      }),
    );

  config
    .command('set-context')
    .description('Create or change a context (--current for the current one)')
    .argument('[name]', 'context name')
    .option('--current', 'change the current context')
    .option('--cluster <name>', 'cluster of the context')
    .option('--user <name>', 'user of the context')
    .action(
      commandAction((ctx, opts: { current?: boolean; cluster?: string; user?: string }, name?: string) => {
        const file = kubeconfigToWrite(ctx);
        const doc = loadDocument(file);
        const target = opts.current ? String(doc.get('current-context') ?? readKubeconfig({ kubeconfigPath: ctx.flags.kubeconfig }).currentContext ?? '') : name;
        if (!target) throw new CliError(opts.current ? 'no current context is set' : 'set-context needs a context name or --current');
        const contexts = (doc.toJS()?.contexts ?? []) as { name: string; context: Record<string, unknown> }[];
        let index = contexts.findIndex((c) => c.name === target);
        const existed = index >= 0;
        if (!existed) {
          doc.addIn(['contexts'], doc.createNode({ name: target, context: {} }));
          index = contexts.length;
        }
        // The context's namespace comes from the global `-n/--namespace` flag.
        const namespace = ctx.flags.namespace;
        for (const [key, value] of Object.entries({ cluster: opts.cluster, user: opts.user, namespace })) {
          if (value !== undefined) doc.setIn(['contexts', index, 'context', key], value);
        }
        save(file, doc);
        out.stdout(`Context "${target}" ${existed ? 'modified' : 'created'}.\n`);
      }),
    );
}
