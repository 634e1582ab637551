import type { Table, TableRow } from '@skiff/api';

export interface TableTextOptions {
  /** `-o wide`: include columns of priority above 0. */
  wide?: boolean;
  /** `-A`: a NAMESPACE column first, read from each row's object metadata. */
  withNamespace?: boolean;
  /** `--show-labels`: a LABELS column last. */
  showLabels?: boolean;
  noHeaders?: boolean;
}

/** Aligns cells the way kubectl's tabwriter does: columns padded to their widest cell plus three spaces. */
export function alignColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('') + '\n').join('');
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<none>';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}

function rowMetadata(row: TableRow): { namespace?: string; labels?: Record<string, string> } {
  const meta = (row.object as { metadata?: { namespace?: string; labels?: Record<string, string> } } | undefined)?.metadata;
  return meta ?? {};
}

function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** The header and rows of a server-side Table as `kubectl get` prints them (empty string for no rows). */
export function tableRows(table: Pick<Table, 'columnDefinitions' | 'rows'>, opts: TableTextOptions): string[][] {
  const columns = (table.columnDefinitions ?? []).map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || c.priority === 0);
  const header = [...(opts.withNamespace ? ['NAMESPACE'] : []), ...columns.map(({ c }) => c.name.toUpperCase()), ...(opts.showLabels ? ['LABELS'] : [])];
  const body = table.rows.map((row) => [
    ...(opts.withNamespace ? [rowMetadata(row).namespace ?? ''] : []),
    ...columns.map(({ i }) => cellText(row.cells[i])),
    ...(opts.showLabels ? [labelsText(rowMetadata(row).labels)] : []),
  ]);
  return opts.noHeaders ? body : [header, ...body];
}

export function formatTable(table: Pick<Table, 'columnDefinitions' | 'rows'>, opts: TableTextOptions = {}): string {
  if (table.rows.length === 0) return '';
  return alignColumns(tableRows(table, opts));
}
