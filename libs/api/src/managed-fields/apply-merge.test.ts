import { PodSchema } from '../core/v1/pod';
import { ApplyMergeError, mergeApplied, pruneApplied } from './apply-merge';
import { fieldSchemaOf } from './field-schema';
import { fieldSetOfPaths } from './field-set';

const pod = fieldSchemaOf(PodSchema);
type Obj = Record<string, any>;

describe('mergeApplied', () => {
  const live: Obj = {
    metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x/one'] },
    spec: {
      containers: [
        { name: 'app', image: 'app:1', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 'side:1' },
      ],
      nodeSelector: { disk: 'ssd' },
    },
  };

  it('merges maps, keyed lists by key, set lists by value, and replaces atomic lists', () => {
    const merged = mergeApplied(pod, live, {
      metadata: { labels: { b: '3', c: '4' }, finalizers: ['x/two', 'x/one'] },
      spec: { containers: [{ name: 'new', image: 'new:1' }, { name: 'app', args: ['--c'], env: [{ name: 'B', value: '2' }] }] },
    }) as Obj;
    expect(merged.metadata.labels).toEqual({ a: '1', b: '3', c: '4' });
    expect(merged.metadata.finalizers).toEqual(['x/one', 'x/two']);
    expect(merged.spec.containers).toEqual([
      { name: 'app', image: 'app:1', args: ['--c'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 'side:1' },
      { name: 'new', image: 'new:1' },
    ]);
    expect(merged.spec.nodeSelector).toEqual({ disk: 'ssd' });
    // The inputs are not modified.
    expect(live.metadata.labels).toEqual({ a: '1', b: '2' });
  });

  it('removes fields set to null and refuses duplicate keys', () => {
    const merged = mergeApplied(pod, live, { spec: { nodeSelector: null } }) as Obj;
    expect(merged.spec.nodeSelector).toBeUndefined();
    expect(() => mergeApplied(pod, live, { spec: { containers: [{ name: 'a' }, { name: 'a' }] } })).toThrow(ApplyMergeError);
    expect(() => mergeApplied(pod, live, { spec: { containers: [{ name: 'a' }, { name: 'a' }] } })).toThrow('.spec.containers: duplicate entries for key [name="a"]');
  });
});

describe('pruneApplied', () => {
  const obj: Obj = {
    metadata: { labels: { a: '1', b: '2' } },
    spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'side', image: 'side:1' }], securityContext: { runAsUser: 1 } },
  };

  it('removes what was applied before and is owned by nobody now, keeping what others own', () => {
    const last = fieldSetOfPaths([
      ['f:metadata', 'f:labels', 'f:a'],
      ['f:metadata', 'f:labels', 'f:b'],
      ['f:spec', 'f:containers', 'k:{"name":"side"}'],
      ['f:spec', 'f:containers', 'k:{"name":"side"}', 'f:image'],
      ['f:spec', 'f:securityContext', 'f:runAsUser'],
    ]);
    const owned = fieldSetOfPaths([['f:metadata', 'f:labels', 'f:b'], ['f:spec', 'f:containers', 'k:{"name":"app"}']]);
    const pruned = pruneApplied(pod, obj, last, owned) as Obj;
    expect(pruned.metadata.labels).toEqual({ b: '2' });
    expect(pruned.spec.containers.map((c: Obj) => c.name)).toEqual(['app']);
    // A struct nobody owns anything under goes as a whole.
    expect(pruned.spec.securityContext).toBeUndefined();
    expect(obj.spec.containers).toHaveLength(2);
  });

  it('returns the object itself when nothing is removed', () => {
    const last = fieldSetOfPaths([['f:metadata', 'f:labels', 'f:a']]);
    expect(pruneApplied(pod, obj, last, last)).toBe(obj);
  });
});
