import type { ListMeta, ObjectMeta } from './object-meta';

/** meta.k8s.io/v1 Table, the server-side rendering `kubectl get` prints. */
export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}
export interface TableRow {
  cells: unknown[];
  object?: { apiVersion: string; kind: string; metadata: ObjectMeta } | Record<string, unknown>;
}
export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: ListMeta;
  columnDefinitions?: TableColumnDefinition[];
  rows: TableRow[];
}
