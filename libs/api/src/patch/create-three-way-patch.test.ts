import { PodSchema } from '../core/v1/pod';
import { createThreeWayPatch } from './create-three-way-patch';
import { strategicMergePatch } from './strategic-merge-patch';

const config = (image: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 80 }] }], ...extra },
});

/** The live object: the configuration plus what the server and other writers added. */
const live = (image: string) => {
  const obj = config(image) as any;
  obj.metadata.namespace = 'default';
  obj.metadata.uid = 'u-1';
  obj.metadata.labels.team = 'blue';
  obj.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  obj.spec.containers.push({ name: 'sidecar', image: 'envoy' });
  obj.status = { phase: 'Pending' };
  return obj;
};

describe('createThreeWayPatch', () => {
  it('is empty when the configuration matches the live object', () => {
    expect(createThreeWayPatch(config('nginx:1'), config('nginx:1'), live('nginx:1'), PodSchema)).toEqual({});
  });

  it('changes a container by its merge key and keeps fields only the server has', () => {
    const patch = createThreeWayPatch(config('nginx:1'), config('nginx:2'), live('nginx:1'), PodSchema);
    expect(patch).toEqual({
      spec: {
        containers: [{ name: 'app', image: 'nginx:2' }],
        '$setElementOrder/containers': [{ name: 'app' }],
      },
    });
    const result = strategicMergePatch(live('nginx:1'), patch, PodSchema) as any;
    expect(result.spec.containers.map((c: any) => `${c.name}=${c.image}`)).toEqual(['app=nginx:2', 'sidecar=envoy']);
    expect(result.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(result.metadata.labels).toEqual({ app: 'web', team: 'blue' });
  });

  it('deletes a field the last configuration set and the new one drops, but not fields others set', () => {
    const before = config('nginx:1', { restartPolicy: 'Never' });
    const current = { ...live('nginx:1'), spec: { ...live('nginx:1').spec, restartPolicy: 'Never', hostname: 'h' } };
    const patch = createThreeWayPatch(before, config('nginx:1'), current, PodSchema);
    expect(patch).toEqual({ spec: { restartPolicy: null } });
  });

  it('removes a dropped list item with $patch: delete and a dropped label with null', () => {
    const before = config('nginx:1') as any;
    before.spec.containers.push({ name: 'old', image: 'busybox' });
    before.metadata.labels.tier = 'front';
    const current = live('nginx:1');
    current.spec.containers.push({ name: 'old', image: 'busybox' });
    current.metadata.labels.tier = 'front';
    const patch = createThreeWayPatch(before, config('nginx:1'), current, PodSchema) as any;
    expect(patch.metadata).toEqual({ labels: { tier: null } });
    expect(patch.spec.containers).toEqual([{ name: 'old', $patch: 'delete' }]);
    const result = strategicMergePatch(current, patch, PodSchema) as any;
    expect(result.spec.containers.map((c: any) => c.name)).toEqual(['app', 'sidecar']);
  });

  it('unions primitive merge lists and removes dropped values with $deleteFromPrimitiveList', () => {
    const withFinalizers = (f: string[]) => ({ metadata: { name: 'x', finalizers: f } });
    const patch = createThreeWayPatch(withFinalizers(['a', 'b']), withFinalizers(['a', 'c']), withFinalizers(['a', 'b', 'z']), PodSchema);
    expect(patch).toEqual({
      metadata: { finalizers: ['c'], '$setElementOrder/finalizers': ['a', 'c'], '$deleteFromPrimitiveList/finalizers': ['b'] },
    });
    const result = strategicMergePatch(withFinalizers(['a', 'b', 'z']), patch, PodSchema) as any;
    expect(result.metadata.finalizers.sort()).toEqual(['a', 'c', 'z']);
  });

  it('replaces lists without a merge strategy whole', () => {
    const withArgs = (args: string[]) => ({ spec: { containers: [{ name: 'app', args }] } });
    const patch = createThreeWayPatch(withArgs(['a']), withArgs(['b']), withArgs(['a']), PodSchema) as any;
    expect(patch.spec.containers).toEqual([{ name: 'app', args: ['b'] }]);
  });

  it('without a last configuration, adds and changes but deletes nothing', () => {
    const patch = createThreeWayPatch(undefined, config('nginx:2'), live('nginx:1'), PodSchema) as any;
    expect(JSON.stringify(patch)).not.toContain('null');
    expect(patch.spec.containers).toEqual([{ name: 'app', image: 'nginx:2' }]);
  });
});
