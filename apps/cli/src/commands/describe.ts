import type { Command } from 'commander';
import { humanDuration, type Event, type KObject, type ResourceType } from '@skiff/api';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { DescribeWriter } from '../describe/describe-writer';
import { describeKindSections } from '../describe/kind-sections';
import { eventsFor, eventTime } from '../describe/object-events';
import { CliError } from '../errors';
import { parseResourceArgs } from '../resources';
import { lastAppliedAnnotation } from './apply';

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description('Show the details of objects, per kind, with their events last')
    .argument('<resources...>', 'TYPE [NAME...] or TYPE/NAME')
    .option('-l, --selector <selector>', 'describe the objects matching a label selector')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('--show-events <bool>', 'show the events (default true)', 'true')
    .action(
      commandAction(async (ctx, opts: { selector?: string; allNamespaces?: boolean; showEvents: string }, args: string[]) => {
        const texts: string[] = [];
        for (const t of parseResourceArgs(args)) {
          const namespace = t.type.namespaced ? ctx.namespace : undefined;
          const objects = t.name !== undefined
            ? [await ctx.client.get<KObject>(t.type, namespace, t.name)]
            : (await ctx.client.list<KObject>(t.type, opts.allNamespaces ? undefined : namespace, { labelSelector: opts.selector })).items;
          for (const obj of objects) texts.push(await describeObject(ctx, t.type, obj, opts.showEvents !== 'false'));
        }
        if (texts.length === 0) throw new CliError(`no ${args[0]} found in ${ctx.namespace} namespace`);
        out.stdout(texts.join('\n\n'));
      }),
    );
}

export async function describeObject(ctx: CliContext, type: ResourceType, obj: KObject, withEvents: boolean): Promise<string> {
  const now = Date.now();
  const full = { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, ...obj };
  const w = new DescribeWriter();
  w.field('Name', obj.metadata.name);
  if (type.namespaced) w.field('Namespace', obj.metadata.namespace);
  w.map('Labels', obj.metadata.labels);
  // The last-applied configuration repeats the object; kubectl leaves it out too.
  const { [lastAppliedAnnotation]: _lastApplied, ...annotations } = obj.metadata.annotations ?? {};
  w.map('Annotations', annotations);
  w.field('CreationTimestamp', obj.metadata.creationTimestamp);
  describeKindSections(w, full, now);
  if (withEvents) writeEvents(w, await eventsFor(ctx.client, obj, type.kind), now);
  return w.toString();
}

export function writeEvents(w: DescribeWriter, events: Event[], now: number): void {
  if (events.length === 0) {
    w.field('Events', '<none>');
    return;
  }
  w.heading('Events');
  const rows = events.map((e) => {
    const age = eventTime(e) ? humanDuration(now - eventTime(e)) : '<unknown>';
    const count = (e.count ?? 1) > 1 ? ` (x${e.count} over ${humanDuration(now - Date.parse(String(e.firstTimestamp ?? e.lastTimestamp)))})` : '';
    return [e.type ?? 'Normal', e.reason ?? '', `${age}${count}`, e.source?.component ?? e.reportingComponent ?? '', e.message ?? ''];
  });
  w.table([['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------'], ...rows]);
}
