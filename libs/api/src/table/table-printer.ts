import type { KObject } from '../meta/object-meta';
import type { TableColumnDefinition } from '../meta/table';
import { timeSince } from './human-duration';

/** How one kind is printed by `kubectl get`: its columns and the cells of one object's row. */
export interface TablePrinter<T extends KObject = KObject> {
  readonly columns: readonly TableColumnDefinition[];
  /**
   * One cell per column, wide (priority 1) columns included: the server always sends them and kubectl hides
   * them unless `-o wide`. `now` is milliseconds since the epoch, for ages and durations.
   */
  cells(obj: T, now: number): unknown[];
}

type ColumnType = TableColumnDefinition['type'];

/** A column shown by plain `kubectl get`. */
export function column(name: string, type: ColumnType, description: string): TableColumnDefinition {
  return { name, type, format: '', description, priority: 0 };
}

/** A column shown only with `-o wide`. */
export function wideColumn(name: string, type: ColumnType, description: string): TableColumnDefinition {
  return { name, type, format: '', description, priority: 1 };
}

export const nameColumn: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. It is the name the object is read, changed and deleted by.',
  priority: 0,
};

export const ageColumn = column('Age', 'string', 'How long ago the object was created (its metadata.creationTimestamp).');

export const containersColumn = wideColumn('Containers', 'string', 'Names of each container in the template.');
export const imagesColumn = wideColumn('Images', 'string', 'Images referenced by each container in the template.');

/** The AGE cell of an object. */
export function ageOf(obj: KObject, now: number): string {
  return timeSince(obj.metadata.creationTimestamp, now);
}

export function orNone(value: string | undefined | null): string {
  return value ? value : '<none>';
}
