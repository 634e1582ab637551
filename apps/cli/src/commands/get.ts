import type { Command } from 'commander';
import { buildTable, tablePrinterFor, type KObject, type ResourceType, type Table } from '@skiff/api';
import type { CliContext } from '../cli-context';
import { collect, commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { readManifests } from '../manifests';
import { evaluate } from '../printers/jsonpath';
import { formatObjects, parseOutputFormat, type ObjectFormat, type OutputFormat } from '../printers/output';
import { formatTable, type TableTextOptions } from '../printers/table-text';
import { parseResourceArgs, resourceForObject, type TypedName } from '../resources';
import { fetchTable } from '../server-table';

interface GetOptions {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  showLabels?: boolean;
  sortBy?: string;
  /** False with --no-headers (commander's negated flag). */
  headers?: boolean;
  filename?: string[];
  recursive?: boolean;
  ignoreNotFound?: boolean;
}

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('Display one or many resources (server-side tables, or -o yaml|json|wide|name|jsonpath=|custom-columns=)')
    .argument('[resources...]', 'TYPE[.GROUP] [NAME...] or TYPE/NAME ...')
    .option('-o, --output <format>', 'yaml|json|wide|name|jsonpath=TEMPLATE|custom-columns=HEADER:.path,...')
    .option('-l, --selector <selector>', 'label selector (e.g. app=web,tier!=db)')
    .option('--field-selector <selector>', 'field selector (e.g. status.phase=Running)')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--watch-only', 'watch for changes without listing first')
    .option('--show-labels', 'show labels as the last column')
    .option('--sort-by <jsonpath>', 'sort rows by a JSONPath expression, e.g. .metadata.name')
    .option('--no-headers', 'omit the header row')
    .option('-f, --filename <path>', 'get the objects a manifest names', collect)
    .option('-R, --recursive', 'read directories given with -f recursively')
    .option('--ignore-not-found', 'treat "not found" as success')
    .action(commandAction(async (ctx, opts: GetOptions, args: string[]) => getCommand(ctx, opts, args)));
}

async function getCommand(ctx: CliContext, opts: GetOptions, args: string[]): Promise<void> {
  const format = parseOutputFormat(opts.output);
  const targets: (TypedName & { namespace?: string })[] = opts.filename
    ? readManifests(opts.filename, Boolean(opts.recursive)).map((m) => ({
        type: resourceForObject(m.object, m.source),
        name: m.object.metadata?.name,
        namespace: m.object.metadata?.namespace,
      }))
    : parseResourceArgs(args);
  const namespaceFor = (t: TypedName & { namespace?: string }) =>
    !t.type.namespaced ? undefined : opts.allNamespaces && !t.name ? undefined : t.namespace ?? ctx.namespace;

  if (opts.watch || opts.watchOnly) {
    if (targets.length !== 1) throw new CliError('watch is only supported on a single resource type');
    return watchTarget(ctx, opts, format, targets[0], namespaceFor(targets[0]));
  }
  const listOpts = { labelSelector: opts.selector, fieldSelector: opts.fieldSelector };
  let printedAny = false;
  let failed: unknown;
  // Consecutive targets of one type print as one table, as kubectl groups them.
  const groups: { type: ResourceType; items: (TypedName & { namespace?: string })[] }[] = [];
  for (const t of targets) {
    const last = groups[groups.length - 1];
    if (last && last.type === t.type && t.name !== undefined && last.items[0].name !== undefined) last.items.push(t);
    else groups.push({ type: t.type, items: [t] });
  }
  const objects: KObject[] = [];
  const tableTexts: string[] = [];
  for (const group of groups) {
    const withNamespace = Boolean(opts.allNamespaces && group.type.namespaced && group.items[0].name === undefined);
    if (format.kind === 'table') {
      const tables: Table[] = [];
      for (const t of group.items) {
        try {
          tables.push(await fetchTable(ctx.client, t.type, namespaceFor(t), t.name, { ...listOpts, includeObject: opts.sortBy ? 'Object' : 'Metadata' }));
        } catch (err) {
          if (opts.ignoreNotFound && (err as { code?: number }).code === 404) continue;
          failed = err;
        }
      }
      if (tables.length === 0) continue;
      const merged: Table = { ...tables[0], rows: tables.flatMap((t) => t.rows) };
      if (opts.sortBy) merged.rows = sortRows(merged.rows, opts.sortBy, (r) => r.object);
      const textOpts: TableTextOptions = { wide: format.wide, withNamespace, showLabels: opts.showLabels, noHeaders: opts.headers === false };
      const text = formatTable(merged, textOpts);
      if (text) tableTexts.push(text);
      printedAny ||= merged.rows.length > 0;
    } else {
      for (const t of group.items) {
        try {
          if (t.name !== undefined) objects.push(withKind(await ctx.client.get<KObject>(t.type, namespaceFor(t), t.name), t.type));
          else {
            const list = await ctx.client.list<KObject>(t.type, namespaceFor(t), listOpts);
            objects.push(...list.items.map((o) => withKind(o, t.type)));
          }
        } catch (err) {
          if (opts.ignoreNotFound && (err as { code?: number }).code === 404) continue;
          failed = err;
        }
      }
    }
  }
  if (format.kind === 'table') out.stdout(tableTexts.join('\n'));
  else {
    const sorted = opts.sortBy ? sortRows(objects, opts.sortBy, (o) => o) : objects;
    const asList = targets.length !== 1 || targets[0].name === undefined;
    if (sorted.length > 0 || format.kind !== 'name') out.stdout(formatObjects(sorted, format, asList));
    printedAny = sorted.length > 0;
  }
  if (failed) throw failed;
  if (!printedAny && !opts.ignoreNotFound && targets.every((t) => t.name === undefined) && format.kind === 'table') {
    const ns = targets.every((t) => !t.type.namespaced) || opts.allNamespaces ? '' : ` in ${ctx.namespace} namespace`;
    out.stderr(`No resources found${ns}.\n`);
  }
}

/** Lists carry items without apiVersion/kind; printing wants them back, as kubectl fills them in. */
function withKind(obj: KObject, type: ResourceType): KObject {
  return { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, ...obj };
}

function sortRows<R>(rows: R[], sortBy: string, objectOf: (r: R) => unknown): R[] {
  const path = sortBy.replace(/^\{|\}$/g, '');
  const key = (r: R) => evaluate(path.startsWith('.') ? path : `.${path}`, objectOf(r))[0];
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined) return kb === undefined ? 0 : 1;
    if (kb === undefined) return -1;
    if (typeof ka === 'number' && typeof kb === 'number') return ka - kb;
    return String(ka).localeCompare(String(kb));
  });
}

/**
 * `get -w`: the current rows (unless --watch-only), then one line per change. Rows of watch events are
 * rendered with the same printers the server uses, so the columns match the first table.
 */
async function watchTarget(ctx: CliContext, opts: GetOptions, format: OutputFormat, target: TypedName, namespace: string | undefined): Promise<void> {
  const listOpts = { labelSelector: opts.selector, fieldSelector: target.name ? `metadata.name=${target.name}` : opts.fieldSelector };
  const list = await ctx.client.list<KObject>(target.type, namespace, listOpts);
  const printer = tablePrinterFor(target.type.group, target.type.kind);
  const withNamespace = Boolean(opts.allNamespaces && target.type.namespaced);
  const print = (objects: KObject[], headers: boolean) => {
    if (format.kind === 'table') {
      const table = buildTable(printer, objects, {}, { includeObject: 'Metadata', now: Date.now() });
      out.stdout(formatTable(table, { wide: format.wide, withNamespace, showLabels: opts.showLabels, noHeaders: !headers || opts.headers === false }));
    } else out.stdout(formatObjects(objects.map((o) => withKind(o, target.type)), format as ObjectFormat, false));
  };
  if (!opts.watchOnly && list.items.length > 0) print(list.items, true);
  let headerPrinted = !opts.watchOnly && list.items.length > 0;
  const stream = ctx.client.watch<KObject>(target.type, namespace, { ...listOpts, resourceVersion: list.metadata.resourceVersion });
  for await (const event of stream) {
    if (event.type === 'BOOKMARK' || event.type === 'ERROR') continue;
    print([event.object], !headerPrinted);
    headerPrinted = true;
  }
}
