import { buildTable, tableRow } from './build-table';
import { tablePrinterFor } from './printers';
import { ago, now } from './test-fixtures';
import type { KObject } from '../meta/object-meta';

const cm: KObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'default', uid: 'u1', resourceVersion: '42', labels: { app: 'web' }, creationTimestamp: ago(30) },
  data: { a: '1' },
};

describe('buildTable', () => {
  const printer = tablePrinterFor('', 'ConfigMap');

  it('puts the full metadata in each row as PartialObjectMetadata by default', () => {
    const table = buildTable(printer, [cm], { resourceVersion: '50', continue: '' }, { includeObject: 'Metadata', now });
    expect(table).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '50', continue: '' },
      columnDefinitions: printer.columns,
      rows: [{ cells: ['settings', 1, '30s'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } }],
    });
  });

  it('carries the whole object with Object, none with None', () => {
    expect(tableRow(printer, cm, { includeObject: 'Object', now }).object).toBe(cm);
    expect(tableRow(printer, cm, { includeObject: 'None', now })).toEqual({ cells: ['settings', 1, '30s'] });
  });

  it('speaks v1beta1 when asked, and can leave the columns out', () => {
    const table = buildTable(printer, [cm], {}, { includeObject: 'Metadata', now, groupVersion: 'meta.k8s.io/v1beta1', omitColumns: true });
    expect(table.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(table.rows[0].object).toMatchObject({ apiVersion: 'meta.k8s.io/v1beta1' });
    expect('columnDefinitions' in table).toBe(false);
  });
});

describe('tablePrinterFor', () => {
  it('falls back to Name and Created At for kinds without their own columns', () => {
    const printer = tablePrinterFor('rbac.authorization.k8s.io', 'Role');
    expect(printer.columns.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    const created = '2024-04-30T09:15:00Z';
    expect(printer.cells({ metadata: { name: 'reader', creationTimestamp: created } }, now)).toEqual(['reader', created]);
    expect(printer.cells({ metadata: { name: 'x' } }, now)).toEqual(['x', '0001-01-01T00:00:00Z']);
  });

  it('matches kinds by group too', () => {
    expect(tablePrinterFor('apps', 'Deployment').columns[1].name).toBe('Ready');
    expect(tablePrinterFor('example.com', 'Deployment').columns[1].name).toBe('Created At');
  });

  it.each([
    ['', 'Pod'], ['', 'Node'], ['', 'Namespace'], ['', 'Service'], ['', 'Endpoints'], ['', 'Event'], ['', 'ConfigMap'], ['', 'Secret'],
    ['', 'ServiceAccount'], ['apps', 'Deployment'], ['apps', 'ReplicaSet'], ['apps', 'DaemonSet'], ['apps', 'StatefulSet'],
    ['apps', 'ControllerRevision'], ['batch', 'Job'], ['batch', 'CronJob'], ['discovery.k8s.io', 'EndpointSlice'],
    ['coordination.k8s.io', 'Lease'], ['policy', 'PodDisruptionBudget'], ['scheduling.k8s.io', 'PriorityClass'],
    ['autoscaling', 'HorizontalPodAutoscaler'], ['rbac.authorization.k8s.io', 'RoleBinding'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
  ])('%s/%s prints one cell per column even for a bare object', (group, kind) => {
    const printer = tablePrinterFor(group, kind);
    expect(printer.columns[0].name === 'Name' || kind === 'Event').toBe(true);
    expect(printer.cells({ metadata: { name: 'bare' } } as KObject, now)).toHaveLength(printer.columns.length);
  });
});
