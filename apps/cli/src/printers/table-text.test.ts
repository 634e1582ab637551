import type { Table } from '@skiff/api';
import { formatTable } from './table-text';

const table: Table = {
  apiVersion: 'meta.k8s.io/v1',
  kind: 'Table',
  metadata: {},
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
    { name: 'Status', type: 'string', format: '', description: '', priority: 0 },
    { name: 'IP', type: 'string', format: '', description: '', priority: 1 },
  ],
  rows: [
    { cells: ['web', 'Running', '10.0.0.1'], object: { metadata: { name: 'web', namespace: 'prod', labels: { b: '2', a: '1' } } } },
    { cells: ['database-0', 'Pending', null], object: { metadata: { name: 'database-0', namespace: 'default' } } },
  ],
};

describe('formatTable', () => {
  it('prints upper-case headers and pads columns to the widest cell plus three spaces, hiding wide columns', () => {
    expect(formatTable(table)).toBe(['NAME         STATUS', 'web          Running', 'database-0   Pending', ''].join('\n'));
  });

  it('shows priority-1 columns with wide and prints <none> for null cells', () => {
    expect(formatTable(table, { wide: true }).split('\n')[2]).toBe('database-0   Pending   <none>');
  });

  it('adds NAMESPACE first and LABELS last from the row metadata', () => {
    const lines = formatTable(table, { withNamespace: true, showLabels: true }).split('\n');
    expect(lines[0]).toBe('NAMESPACE   NAME         STATUS    LABELS');
    expect(lines[1]).toBe('prod        web          Running   a=1,b=2');
    expect(lines[2]).toBe('default     database-0   Pending   <none>');
  });

  it('omits the header with noHeaders and prints nothing for no rows', () => {
    expect(formatTable(table, { noHeaders: true }).split('\n')[0]).toBe('web          Running');
    expect(formatTable({ ...table, rows: [] })).toBe('');
  });
});
