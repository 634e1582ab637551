import type { Command } from 'commander';
import type { KObject } from '@skiff/api';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { objectRef } from '../object-ref';
import { parseResourceArgs } from '../resources';

interface MetadataEditOptions {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
  list?: boolean;
}

/** `key=value` sets, `key-` removes. */
export function parseMetadataChanges(args: string[]): { changes: Record<string, string | null>; resourceArgs: string[] } {
  const changes: Record<string, string | null> = {};
  const resourceArgs: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) changes[arg.slice(0, eq)] = arg.slice(eq + 1);
    else if (arg.endsWith('-') && resourceArgs.length > 0) changes[arg.slice(0, -1)] = null;
    else resourceArgs.push(arg);
  }
  return { changes, resourceArgs };
}

function register(program: Command, field: 'labels' | 'annotations', verb: string, pastTense: string): void {
  program
    .command(verb)
    .description(`Update the ${field} of objects: KEY=VALUE sets, KEY- removes`)
    .argument('<args...>', `TYPE NAME KEY=VALUE... or TYPE/NAME KEY-`)
    .option('--overwrite', 'allow changing a key that already has a value')
    .option('-l, --selector <selector>', 'all objects of the type matching a label selector')
    .option('--all', 'all objects of the type in the namespace')
    .option('--list', 'print the current values instead of changing them')
    .action(commandAction(async (ctx, opts: MetadataEditOptions, args: string[]) => editMetadata(ctx, opts, args, field, pastTense)));
}

async function editMetadata(ctx: CliContext, opts: MetadataEditOptions, args: string[], field: 'labels' | 'annotations', pastTense: string): Promise<void> {
  const { changes, resourceArgs } = parseMetadataChanges(args);
  if (!opts.list && Object.keys(changes).length === 0) throw new CliError(`at least one ${field === 'labels' ? 'label' : 'annotation'} update is required (KEY=VALUE or KEY-)`);
  const targets: { type: ReturnType<typeof parseResourceArgs>[number]['type']; name: string }[] = [];
  for (const t of parseResourceArgs(resourceArgs)) {
    if (t.name !== undefined) targets.push({ type: t.type, name: t.name });
    else if (opts.selector || opts.all) {
      const list = await ctx.client.list<KObject>(t.type, t.type.namespaced ? ctx.namespace : undefined, { labelSelector: opts.selector });
      targets.push(...list.items.map((o) => ({ type: t.type, name: o.metadata.name! })));
    } else throw new CliError('resource(s) were provided, but no name was specified: give names, -l <selector>, or --all');
  }
  for (const { type, name } of targets) {
    const namespace = type.namespaced ? ctx.namespace : undefined;
    const live = await ctx.client.get<KObject>(type, namespace, name);
    const current = live.metadata[field] ?? {};
    if (opts.list) {
      for (const [k, v] of Object.entries(current)) out.stdout(`${k}=${v}\n`);
      continue;
    }
    for (const [key, value] of Object.entries(changes)) {
      if (value !== null && !opts.overwrite && key in current && current[key] !== value) {
        throw new CliError(`'${key}' already has a value (${current[key]}), and --overwrite is false`);
      }
    }
    // Sending the resourceVersion makes the check above and the write one atomic step.
    const patch = { metadata: { [field]: changes, resourceVersion: live.metadata.resourceVersion } };
    const updated = await ctx.client.patch<KObject>(type, namespace, name, 'merge', patch);
    const same = updated.metadata.resourceVersion === live.metadata.resourceVersion;
    out.stdout(`${objectRef(type, name)} ${same ? 'not ' + pastTense : pastTense}\n`);
  }
}

export function registerLabelAnnotate(program: Command): void {
  register(program, 'labels', 'label', 'labeled');
  register(program, 'annotations', 'annotate', 'annotated');
}
