import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './config-printers';
import { ago, now } from './test-fixtures';

const meta = { name: 'x', namespace: 'default', creationTimestamp: ago(4 * 3600) };

describe('small core printers', () => {
  it('Namespace: Name Status Age', () => {
    expect(namespacePrinter.columns.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(namespacePrinter.cells({ metadata: meta, status: { phase: 'Terminating' } }, now)).toEqual(['x', 'Terminating', '4h']);
  });

  it('ConfigMap: counts data and binaryData keys', () => {
    expect(configMapPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(configMapPrinter.cells({ metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, now)).toEqual(['x', 3, '4h']);
    expect(configMapPrinter.cells({ metadata: meta }, now)).toEqual(['x', 0, '4h']);
  });

  it('Secret: Name Type Data Age', () => {
    expect(secretPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(secretPrinter.cells({ metadata: meta, type: 'Opaque', data: { password: 'cw==' } }, now)).toEqual(['x', 'Opaque', 1, '4h']);
  });

  it('ServiceAccount: counts its secrets', () => {
    expect(serviceAccountPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Secrets', 'Age']);
    expect(serviceAccountPrinter.cells({ metadata: meta }, now)).toEqual(['x', 0, '4h']);
  });

  it('Lease: shows the holder', () => {
    expect(leasePrinter.columns.map((c) => c.name)).toEqual(['Name', 'Holder', 'Age']);
    expect(leasePrinter.cells({ metadata: meta, spec: { holderIdentity: 'node-1' } }, now)).toEqual(['x', 'node-1', '4h']);
    expect(leasePrinter.cells({ metadata: meta }, now)).toEqual(['x', '', '4h']);
  });
});
