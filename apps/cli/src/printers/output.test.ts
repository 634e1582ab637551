import { parse } from 'yaml';
import type { KObject } from '@skiff/api';
import { formatObjects, objectName, parseOutputFormat } from './output';

const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' } };
const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { replicas: 3 } } as KObject;

describe('output formats', () => {
  it('parses every -o value and rejects unknown ones', () => {
    expect(parseOutputFormat(undefined)).toEqual({ kind: 'table', wide: false });
    expect(parseOutputFormat('wide')).toEqual({ kind: 'table', wide: true });
    expect(parseOutputFormat('jsonpath=.metadata.name')).toEqual({ kind: 'jsonpath', template: '{.metadata.name}' });
    expect(parseOutputFormat('custom-columns=N:.metadata.name,R:.spec.replicas')).toEqual({
      kind: 'custom-columns',
      columns: [{ header: 'N', path: '.metadata.name' }, { header: 'R', path: '.spec.replicas' }],
    });
    expect(() => parseOutputFormat('xml')).toThrow(/allowed formats are/);
  });

  it('prints one object as itself and several as a v1 List in yaml and json', () => {
    expect(parse(formatObjects([pod], { kind: 'yaml' }, false))).toEqual(pod);
    const asList = JSON.parse(formatObjects([pod, deploy], { kind: 'json' }, true));
    expect(asList.kind).toBe('List');
    expect(asList.items.map((o: KObject) => o.metadata.name)).toEqual(['web', 'api']);
  });

  it('names objects with their group, as kubectl -o name', () => {
    expect(objectName(pod)).toBe('pod/web');
    expect(formatObjects([pod, deploy], { kind: 'name' }, true)).toBe('pod/web\ndeployment.apps/api\n');
  });

  it('prints custom columns, with <none> for missing values', () => {
    const text = formatObjects([pod, deploy], parseOutputFormat('custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas') as never, true);
    expect(text).toBe('NAME   REPLICAS\nweb    <none>\napi    3\n');
  });

  it('runs jsonpath over the list for a collection', () => {
    expect(formatObjects([pod, deploy], { kind: 'jsonpath', template: '{.items[*].kind}' }, true)).toBe('Pod Deployment');
  });
});
