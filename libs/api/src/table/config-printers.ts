import type { ConfigMap } from '../core/v1/configmap';
import type { Namespace } from '../core/v1/namespace';
import type { Secret } from '../core/v1/secret';
import type { ServiceAccount } from '../core/v1/serviceaccount';
import type { Lease } from '../coordination/v1/lease';
import { ageColumn, ageOf, column, nameColumn, type TablePrinter } from './table-printer';

export const namespacePrinter: TablePrinter<Namespace> = {
  columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  cells(ns, now) {
    return [ns.metadata.name, ns.status?.phase ?? '', ageOf(ns, now)];
  },
};

export const configMapPrinter: TablePrinter<ConfigMap> = {
  columns: [nameColumn, column('Data', 'string', 'The number of keys in data and binaryData.'), ageColumn],
  cells(cm, now) {
    return [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, ageOf(cm, now)];
  },
};

export const secretPrinter: TablePrinter<Secret> = {
  columns: [
    nameColumn,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'The number of keys in data.'),
    ageColumn,
  ],
  cells(secret, now) {
    return [secret.metadata.name, secret.type ?? '', Object.keys(secret.data ?? {}).length, ageOf(secret, now)];
  },
};

export const serviceAccountPrinter: TablePrinter<ServiceAccount> = {
  columns: [nameColumn, column('Secrets', 'string', 'The number of secrets pods running as this service account may use.'), ageColumn],
  cells(sa, now) {
    return [sa.metadata.name, (sa.secrets ?? []).length, ageOf(sa, now)];
  },
};

export const leasePrinter: TablePrinter<Lease> = {
  columns: [nameColumn, column('Holder', 'string', 'The identity of the holder of a current lease.'), ageColumn],
  cells(lease, now) {
    return [lease.metadata.name, lease.spec?.holderIdentity ?? '', ageOf(lease, now)];
  },
};
