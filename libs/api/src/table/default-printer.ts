import { column, nameColumn, type TablePrinter } from './table-printer';

/** RFC 3339 in UTC with seconds, as Go prints time.Time; Go's zero time when there is none. */
function createdAt(timestamp: string | undefined): string {
  const t = timestamp ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** What the server prints for kinds without their own columns: the name and the creation time. */
export const defaultPrinter: TablePrinter = {
  columns: [nameColumn, column('Created At', 'date', 'When the object was created (its metadata.creationTimestamp).')],
  cells(obj) {
    return [obj.metadata.name, createdAt(obj.metadata.creationTimestamp)];
  },
};
