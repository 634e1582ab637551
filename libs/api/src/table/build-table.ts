import type { KObject, ListMeta } from '../meta/object-meta';
import type { Table, TableRow } from '../meta/table';
import type { TablePrinter } from './table-printer';

/** What each row carries besides its cells (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';
export const includeObjectValues: readonly IncludeObject[] = ['None', 'Metadata', 'Object'];

/** Clients may ask for the Table in either version of meta.k8s.io; the two are the same shape. */
export type TableGroupVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
export type VersionedTable = Omit<Table, 'apiVersion'> & { apiVersion: TableGroupVersion };

export interface TableOptions {
  includeObject: IncludeObject;
  /** Milliseconds since the epoch: ages and durations are measured to this moment. */
  now: number;
  groupVersion?: TableGroupVersion;
  /** Leave columnDefinitions out, as watch events after the first do. */
  omitColumns?: boolean;
}

function rowObject(obj: KObject, include: IncludeObject, groupVersion: TableGroupVersion): TableRow['object'] {
  if (include === 'Object') return obj;
  if (include === 'None') return undefined;
  return { kind: 'PartialObjectMetadata', apiVersion: groupVersion, metadata: obj.metadata };
}

export function tableRow(printer: TablePrinter, obj: KObject, opts: TableOptions): TableRow {
  const row: TableRow = { cells: printer.cells(obj, opts.now) };
  const object = rowObject(obj, opts.includeObject, opts.groupVersion ?? 'meta.k8s.io/v1');
  if (object) row.object = object;
  return row;
}

/** A Table of the objects, one row each; `metadata` is the list's (or the single object's resourceVersion). */
export function buildTable(printer: TablePrinter, objects: readonly KObject[], metadata: ListMeta, opts: TableOptions): VersionedTable {
  const columnDefinitions = opts.omitColumns ? undefined : [...printer.columns];
  return {
    kind: 'Table',
    apiVersion: opts.groupVersion ?? 'meta.k8s.io/v1',
    metadata,
    ...(columnDefinitions && { columnDefinitions }),
    rows: objects.map((obj) => tableRow(printer, obj, opts)),
  };
}
