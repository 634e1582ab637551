import type { Command } from 'commander';
import { buildTable, events, tablePrinterFor, type Event } from '@skiff/api';
import { commandAction, out } from '../command-action';
import { eventTime } from '../describe/object-events';
import { formatTable } from '../printers/table-text';
import { resolveResource } from '../resources';

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('List events, oldest first (-w to keep watching)')
    .option('-A, --all-namespaces', 'events of every namespace')
    .option('--for <object>', 'only events about TYPE/NAME')
    .option('--types <types>', 'only these event types, e.g. Warning')
    .option('-w, --watch', 'after listing, watch for new events')
    .action(
      commandAction(async (ctx, opts: { allNamespaces?: boolean; for?: string; types?: string; watch?: boolean }) => {
        const namespace = opts.allNamespaces ? undefined : ctx.namespace;
        const selectors: string[] = [];
        if (opts.for) {
          const [type, name] = opts.for.split('/');
          selectors.push(`involvedObject.kind=${resolveResource(type).kind}`, `involvedObject.name=${name}`);
        }
        const types = opts.types?.split(',').map((t) => t.trim().toLowerCase());
        const keep = (e: Event) => !types || types.includes((e.type ?? 'Normal').toLowerCase());
        const fieldSelector = selectors.join(',') || undefined;
        const list = await ctx.client.list<Event>(events, namespace, { fieldSelector });
        const printer = tablePrinterFor('', 'Event');
        const print = (items: Event[], headers: boolean) => {
          const table = buildTable(printer, items, {}, { includeObject: 'Metadata', now: Date.now() });
          out.stdout(formatTable(table, { withNamespace: opts.allNamespaces, noHeaders: !headers }));
        };
        const items = list.items.filter(keep).sort((a, b) => eventTime(a) - eventTime(b));
        if (items.length) print(items, true);
        else if (!opts.watch) out.stderr(`No events found${namespace ? ` in ${namespace} namespace` : ''}.\n`);
        if (!opts.watch) return;
        let headers = items.length === 0;
        for await (const ev of ctx.client.watch<Event>(events, namespace, { fieldSelector, resourceVersion: list.metadata.resourceVersion })) {
          if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && keep(ev.object)) {
            print([ev.object], headers);
            headers = false;
          }
        }
      }),
    );
}
