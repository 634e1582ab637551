import type { Command } from 'commander';
import type { KObject } from '@skiff/api';
import { isNotFound } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { commandAction } from '../command-action';
import { CliError } from '../errors';
import { evaluate } from '../printers/jsonpath';
import { objectRef } from '../object-ref';
import { ProgressLine } from '../progress-line';
import { parseResourceArgs, type TypedName } from '../resources';
import { parseDuration } from './delete';

/** What `--for` asks: a condition (with a wanted status), deletion, or a JSONPath value. */
export type WaitCondition =
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'delete' }
  | { kind: 'jsonpath'; path: string; value?: string };

export function parseWaitFor(text: string): WaitCondition {
  if (text === 'delete') return { kind: 'delete' };
  if (text.startsWith('condition=')) {
    const [type, status] = text.slice('condition='.length).split('=');
    if (!type) throw new CliError('--for=condition=TYPE needs a condition type, e.g. --for=condition=Ready');
    return { kind: 'condition', type, status: status ?? 'True' };
  }
  if (text.startsWith('jsonpath=')) {
    const body = text.slice('jsonpath='.length);
    const m = /^\{?(.*?)\}?(?:=(.*))?$/.exec(body)!;
    return { kind: 'jsonpath', path: m[1], value: m[2] };
  }
  throw new CliError(`unrecognized --for: "${text}" (use condition=TYPE[=STATUS], delete, or jsonpath='{.path}'=VALUE)`);
}

/** Whether the object meets the condition (deletion is checked by the caller). */
export function conditionMet(obj: KObject, cond: WaitCondition): boolean {
  if (cond.kind === 'condition') {
    const conditions = (obj as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
    return conditions.some((c) => c.type.toLowerCase() === cond.type.toLowerCase() && c.status.toLowerCase() === cond.status.toLowerCase());
  }
  if (cond.kind === 'jsonpath') {
    const values = evaluate(cond.path.startsWith('.') ? cond.path : `.${cond.path}`, obj);
    if (cond.value === undefined) return values.length > 0;
    return values.some((v) => (typeof v === 'string' ? v : JSON.stringify(v)) === cond.value);
  }
  return false;
}

export function registerWait(program: Command): void {
  program
    .command('wait')
    .description('Wait until objects meet a condition: --for=condition=Ready, --for=delete, --for=jsonpath=\'{.status.phase}\'=Running')
    .argument('<resources...>', 'TYPE NAME..., TYPE/NAME..., or TYPE with -l/--all')
    .requiredOption('--for <condition>', 'condition=TYPE[=STATUS], delete, or jsonpath=PATH=VALUE')
    .option('--timeout <duration>', 'give up after this long', '30s')
    .option('-l, --selector <selector>', 'all objects matching a label selector')
    .option('--all', 'all objects of the type in the namespace')
    .action(commandAction(async (ctx, opts: { for: string; timeout: string; selector?: string; all?: boolean }, args: string[]) => waitCommand(ctx, opts, args)));
}

async function waitCommand(ctx: CliContext, opts: { for: string; timeout: string; selector?: string; all?: boolean }, args: string[]): Promise<void> {
  const cond = parseWaitFor(opts.for);
  const deadline = Date.now() + parseDuration(opts.timeout);
  const targets: Required<Pick<TypedName, 'type' | 'name'>>[] = [];
  for (const t of parseResourceArgs(args)) {
    const namespace = t.type.namespaced ? ctx.namespace : undefined;
    if (t.name !== undefined) targets.push({ type: t.type, name: t.name });
    else if (opts.selector || opts.all) {
      const list = await ctx.client.list<KObject>(t.type, namespace, { labelSelector: opts.selector });
      targets.push(...list.items.map((o) => ({ type: t.type, name: o.metadata.name! })));
    } else throw new CliError('resource(s) were provided, but no name was specified: give names, -l <selector>, or --all');
  }
  if (targets.length === 0) throw new CliError('no matching resources found');
  const progress = new ProgressLine();
  try {
    for (const { type, name } of targets) {
      const namespace = type.namespaced ? ctx.namespace : undefined;
      const ref = objectRef(type, name);
      for (;;) {
        let obj: KObject | undefined;
        try {
          obj = await ctx.client.get<KObject>(type, namespace, name);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        if (cond.kind === 'delete' ? obj === undefined : obj !== undefined && conditionMet(obj, cond)) {
          progress.clear();
          progress.print(`${ref} ${cond.kind === 'delete' ? 'deleted' : 'condition met'}`);
          break;
        }
        if (!obj && cond.kind !== 'delete') throw new CliError(`${ref} not found`);
        if (Date.now() >= deadline) throw new CliError(`timed out waiting for the condition on ${ref}`);
        progress.update(waitingMessage(ref, cond));
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    progress.clear();
  }
}

/** The progress status while `wait` polls one object. */
export function waitingMessage(ref: string, cond: WaitCondition): string {
  if (cond.kind === 'delete') return `Waiting for ${ref} to be deleted...`;
  if (cond.kind === 'condition') return `Waiting for ${ref}: condition ${cond.type}=${cond.status}...`;
  return `Waiting for ${ref}: ${cond.path}${cond.value === undefined ? ' to be set' : `=${cond.value}`}...`;
}
