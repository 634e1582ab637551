import type { Request } from 'express';
import type { KObject, ResourceType } from '@skiff/api';
import { pods } from '@skiff/api';
import type { CachedObject } from '../storage/watch-cache';
import { StatusError } from './status-error';
import { tableRequestOf, tableWatchEncoder } from './table-output';

const kubectlGet = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function request(accept: string | undefined, query: Record<string, string> = {}): Request {
  return { headers: accept === undefined ? {} : { accept }, query } as unknown as Request;
}

describe('tableRequestOf', () => {
  it('recognises what kubectl get sends', () => {
    expect(tableRequestOf(request(kubectlGet))).toEqual({ groupVersion: 'meta.k8s.io/v1', includeObject: 'Metadata' });
  });

  it('answers v1beta1 to a client that asks only for it', () => {
    expect(tableRequestOf(request('application/json;as=Table;v=v1beta1;g=meta.k8s.io'))?.groupVersion).toBe('meta.k8s.io/v1beta1');
  });

  it('means plain JSON for plain, protobuf-first, unknown or missing Accept headers', () => {
    expect(tableRequestOf(request(undefined))).toBeUndefined();
    expect(tableRequestOf(request('application/json, */*'))).toBeUndefined();
    expect(tableRequestOf(request('application/vnd.kubernetes.protobuf,application/json'))).toBeUndefined();
    expect(tableRequestOf(request('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json'))).toBeUndefined();
    expect(tableRequestOf(request('application/json;as=Table;v=v2;g=meta.k8s.io'))).toBeUndefined();
  });

  it('passes over a protobuf Table it cannot produce to the JSON one', () => {
    const accept = 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io';
    expect(tableRequestOf(request(accept))?.groupVersion).toBe('meta.k8s.io/v1');
  });

  it('follows q values: plain JSON preferred over a Table means plain JSON', () => {
    expect(tableRequestOf(request('application/json;as=Table;v=v1;g=meta.k8s.io;q=0.5,application/json'))).toBeUndefined();
  });

  it('takes includeObject from the query and rejects unknown values with 400', () => {
    expect(tableRequestOf(request(kubectlGet, { includeObject: 'Object' }))?.includeObject).toBe('Object');
    expect(tableRequestOf(request(kubectlGet, { includeObject: 'None' }))?.includeObject).toBe('None');
    let err: unknown;
    try {
      tableRequestOf(request(kubectlGet, { includeObject: 'Everything' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(400);
  });
});

describe('tableWatchEncoder', () => {
  const cached = (obj: KObject): CachedObject => ({ key: 'k', json: JSON.stringify(obj), rv: 1, view: {} as CachedObject['view'] });
  const pod = (name: string, rv: string): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', resourceVersion: rv, creationTimestamp: new Date().toISOString() },
    spec: { containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Pending' },
  });

  it('sends columns with the first event only, one row per event, with the object resourceVersion', () => {
    const encode = tableWatchEncoder(pods as ResourceType, { groupVersion: 'meta.k8s.io/v1', includeObject: 'Metadata' });
    const first = JSON.parse(encode(cached(pod('a', '7'))));
    const second = JSON.parse(encode(cached(pod('b', '8'))));
    expect(first.columnDefinitions.map((c: { name: string }) => c.name)).toContain('Restarts');
    expect(first.rows).toHaveLength(1);
    expect(first.rows[0].cells.slice(0, 3)).toEqual(['a', '0/1', 'Pending']);
    expect(first.metadata).toEqual({ resourceVersion: '7' });
    expect(second.columnDefinitions).toBeUndefined();
    expect(second.rows[0].cells[0]).toBe('b');
    expect(second.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'b' } });
  });
});
