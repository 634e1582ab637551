import { stringify } from 'yaml';
import type { KObject } from '@skiff/api';
import { CliError } from '../errors';
import { alignColumns } from './table-text';
import { evaluate, renderJsonPath } from './jsonpath';

/** The `-o` formats that print objects rather than a server Table. */
export type ObjectFormat =
  | { kind: 'yaml' }
  | { kind: 'json' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'custom-columns'; columns: { header: string; path: string }[] };

export type OutputFormat = ObjectFormat | { kind: 'table'; wide: boolean };

/** Reads `-o`: '', wide, yaml, json, name, jsonpath=..., custom-columns=HEADER:.path,... */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (!value || value === 'wide') return { kind: 'table', wide: value === 'wide' };
  if (value === 'yaml' || value === 'json' || value === 'name') return { kind: value };
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  const arg = eq < 0 ? '' : value.slice(eq + 1);
  if (name === 'jsonpath' || name === 'jsonpath-as-json') {
    if (!arg) throw new CliError('jsonpath template format specified but no template given');
    return { kind: 'jsonpath', template: arg.includes('{') ? arg : `{${arg}}` };
  }
  if (name === 'custom-columns') {
    if (!arg) throw new CliError('custom-columns format specified but no custom columns given');
    const columns = arg.split(',').map((spec) => {
      const colon = spec.indexOf(':');
      if (colon <= 0) throw new CliError(`expected HEADER:.json.path in custom-columns, got "${spec}"`);
      return { header: spec.slice(0, colon), path: spec.slice(colon + 1) };
    });
    return { kind: 'custom-columns', columns };
  }
  throw new CliError(`unable to match a printer suitable for the output format "${value}", allowed formats are: custom-columns,json,jsonpath,name,wide,yaml`);
}

/** `pod/web`, `deployment.apps/api`: kubectl's `-o name`. */
export function objectName(obj: KObject): string {
  const group = obj.apiVersion?.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const kind = (obj.kind ?? '').toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${obj.metadata?.name ?? ''}`;
}

/**
 * Prints objects in an object format. One object prints as itself; several (or a list request) print as a
 * `v1 List`, as kubectl does for yaml, json and jsonpath.
 */
export function formatObjects(objects: KObject[], format: ObjectFormat, asList: boolean): string {
  const single = !asList && objects.length === 1;
  const document = single ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  switch (format.kind) {
    case 'yaml':
      return stringify(document, { lineWidth: 0 });
    case 'json':
      return JSON.stringify(document, null, 4) + '\n';
    case 'name':
      return objects.map((o) => objectName(o) + '\n').join('');
    case 'jsonpath':
      return renderJsonPath(format.template, document);
    case 'custom-columns': {
      const rows = objects.map((o) =>
        format.columns.map(({ path }) => {
          const values = evaluate(path.startsWith('.') || path.startsWith('{') ? path.replace(/^\{|\}$/g, '') : `.${path}`, o);
          return values.length ? values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',') : '<none>';
        }),
      );
      return alignColumns([format.columns.map((c) => c.header), ...rows]);
    }
  }
}
