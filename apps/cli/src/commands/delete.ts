import type { Command } from 'commander';
import type { DeleteOptions, KObject, ResourceType } from '@skiff/api';
import { isNotFound } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { collect, commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { readManifests } from '../manifests';
import { namespaceForManifest } from '../object-ref';
import { parseResourceArgs, resourceForObject } from '../resources';
import { ProgressLine } from '../progress-line';
import { PendingDeletions, waitUntilGone } from '../wait-gone';

interface DeleteCommandOptions {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  gracePeriod?: string;
  force?: boolean;
  wait: boolean;
  timeout?: string;
  ignoreNotFound?: boolean;
}

interface Victim {
  type: ResourceType;
  namespace?: string;
  name: string;
}

export function registerDelete(program: Command): void {
  program
    .command('delete')
    .description('Delete objects by name, manifest, label selector or --all; waits until they are gone')
    .argument('[resources...]', 'TYPE NAME..., TYPE/NAME..., or TYPE with -l/--all')
    .option('-f, --filename <path>', 'delete the objects in these manifests', collect)
    .option('-R, --recursive', 'read directories recursively')
    .option('-l, --selector <selector>', 'delete the objects matching a label selector')
    .option('--all', 'delete every object of the type in the namespace')
    .option('-A, --all-namespaces', 'with -l or --all: in every namespace')
    .option('--grace-period <seconds>', 'seconds the object has to terminate (-1: the object\'s default)')
    .option('--force', 'remove immediately, without waiting for termination (grace period 0)')
    .option('--no-wait', 'return once the deletion is accepted')
    .option('--timeout <duration>', 'how long to wait for the objects to go (e.g. 30s, 2m); 0 waits forever', '0')
    .option('--ignore-not-found', 'treat "not found" as success')
    .action(commandAction(async (ctx, opts: DeleteCommandOptions, args: string[]) => deleteCommand(ctx, opts, args)));
}

async function victimsOf(ctx: CliContext, opts: DeleteCommandOptions, args: string[]): Promise<Victim[]> {
  if (opts.filename) {
    return readManifests(opts.filename, Boolean(opts.recursive)).map(({ object, source }) => {
      const type = resourceForObject(object, source);
      return { type, namespace: namespaceForManifest(ctx, type, object), name: object.metadata?.name ?? '' };
    });
  }
  const targets = parseResourceArgs(args);
  const victims: Victim[] = [];
  for (const t of targets) {
    const namespace = t.type.namespaced ? ctx.namespace : undefined;
    if (t.name !== undefined) {
      victims.push({ type: t.type, namespace, name: t.name });
      continue;
    }
    if (!opts.selector && !opts.all) throw new CliError('resource(s) were provided, but no name was specified: give names, -l <selector>, or --all');
    const list = await ctx.client.list<KObject>(t.type, opts.allNamespaces ? undefined : namespace, { labelSelector: opts.selector });
    victims.push(...list.items.map((o) => ({ type: t.type, namespace: o.metadata.namespace, name: o.metadata.name! })));
  }
  return victims;
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new CliError(`invalid duration "${text}" (use e.g. 30s, 2m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

async function deleteCommand(ctx: CliContext, opts: DeleteCommandOptions, args: string[]): Promise<void> {
  const victims = await victimsOf(ctx, opts, args);
  if (victims.length === 0) {
    out.stderr(`No resources found${opts.allNamespaces ? '' : ` in ${ctx.namespace} namespace`}.\n`);
    return;
  }
  const body: DeleteOptions = {};
  if (opts.force) {
    body.gracePeriodSeconds = opts.gracePeriod !== undefined && Number(opts.gracePeriod) > 0 ? Number(opts.gracePeriod) : 0;
    out.stderr('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  } else if (opts.gracePeriod !== undefined && Number(opts.gracePeriod) >= 0) body.gracePeriodSeconds = Number(opts.gracePeriod);
  const deleted: (Victim & { uid?: string })[] = [];
  let failed: unknown;
  for (const v of victims) {
    try {
      const result = await ctx.client.delete<KObject>(v.type, v.namespace, v.name, Object.keys(body).length ? body : undefined);
      const uid = (result as KObject).metadata?.uid;
      out.stdout(`${v.type.kind.toLowerCase()}${v.type.group ? `.${v.type.group}` : ''} "${v.name}" deleted\n`);
      deleted.push({ ...v, uid });
    } catch (err) {
      if (isNotFound(err) && opts.ignoreNotFound) continue;
      failed ??= err;
      if (isNotFound(err)) out.stderr(`Error from server (NotFound): ${(err as Error).message}\n`);
    }
  }
  if (opts.wait) {
    const timeoutMs = parseDuration(opts.timeout ?? '0');
    const progress = new ProgressLine();
    const pending = new PendingDeletions(progress);
    try {
      await Promise.all(deleted.map((v) => waitUntilGone(ctx, v, timeoutMs, pending)));
    } finally {
      progress.clear();
    }
  }
  // NotFound errors were printed as they happened; kubectl still exits 1 for them.
  if (failed && !isNotFound(failed)) throw failed;
  if (failed) process.exitCode = 1;
}
