import { DeploymentSchema } from '../apps/v1/deployment';
import { NodeSchema } from '../core/v1/node';
import { PodSchema } from '../core/v1/pod';
import { ServiceSchema } from '../core/v1/service';
import { List, MapOf, Opt, RawJSON, Str, Struct } from '../schema/builders';
import { StrategicMergePatchError } from './patch-errors';
import { strategicMergePatch } from './strategic-merge-patch';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' }, finalizers: ['a/x', 'b/y'] },
  spec: {
    containers: [
      {
        name: 'a',
        image: 'nginx:1.25',
        args: ['--one', '--two'],
        ports: [
          { containerPort: 80, protocol: 'TCP' },
          { containerPort: 443, protocol: 'TCP' },
        ],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { name: 'b', image: 'busybox', command: ['sleep', '3600'] },
    ],
    volumes: [
      { name: 'data', emptyDir: {} },
      { name: 'conf', configMap: { name: 'conf' } },
    ],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
});

const applyPod = (patch: unknown, original: unknown = pod()) => strategicMergePatch(original, patch, PodSchema) as any;
const names = (items: { name: string }[]) => items.map((i) => i.name);

function patchError(run: () => unknown): StrategicMergePatchError {
  try {
    run();
  } catch (e) {
    if (e instanceof StrategicMergePatchError) return e;
    throw e;
  }
  throw new Error('the patch was accepted');
}

describe('maps', () => {
  it('merges recursively, replaces scalars and deletes keys set to null', () => {
    const out = applyPod({ metadata: { labels: { tier: null, track: 'canary' } }, status: { phase: 'Succeeded' } });
    expect(out.metadata.labels).toEqual({ app: 'web', track: 'canary' });
    expect(out.status.phase).toBe('Succeeded');
    expect(out.spec).toEqual(pod().spec);
  });

  it('returns an equal object for an empty patch and leaves its arguments alone', () => {
    const original = pod();
    const patch = { metadata: { labels: { app: null } }, spec: { containers: [{ name: 'a', image: 'x' }] } };
    expect(applyPod({}, original)).toEqual(pod());
    applyPod(patch, original);
    expect(original).toEqual(pod());
    expect(patch).toEqual({ metadata: { labels: { app: null } }, spec: { containers: [{ name: 'a', image: 'x' }] } });
  });

  it('drops nulls from a value the live object did not have', () => {
    const out = applyPod({ spec: { securityContext: { runAsUser: 1000, runAsGroup: null } } });
    expect(out.spec.securityContext).toEqual({ runAsUser: 1000 });
  });

  it('lets a patch set and clear a node unschedulable flag (cordon, uncordon)', () => {
    const node = { metadata: { name: 'n1' }, spec: { podCIDR: '10.0.0.0/24' } };
    const cordoned = strategicMergePatch(node, { spec: { unschedulable: true } }, NodeSchema) as any;
    expect(cordoned.spec).toEqual({ podCIDR: '10.0.0.0/24', unschedulable: true });
    expect((strategicMergePatch(cordoned, { spec: { unschedulable: null } }, NodeSchema) as any).spec).toEqual({ podCIDR: '10.0.0.0/24' });
  });
});

describe('lists merged by key', () => {
  it('changes one container and keeps the other (containers by name)', () => {
    const out = applyPod({ spec: { containers: [{ name: 'a', image: 'nginx:1.26' }] } });
    expect(names(out.spec.containers)).toEqual(['a', 'b']);
    expect(out.spec.containers[0]).toEqual({ ...pod().spec.containers[0], image: 'nginx:1.26' });
    expect(out.spec.containers[1]).toEqual(pod().spec.containers[1]);
  });

  it('puts an item added without $setElementOrder in front of the live ones, as Kubernetes does', () => {
    const out = applyPod({ spec: { containers: [{ name: 'c', image: 'redis' }] } });
    expect(names(out.spec.containers)).toEqual(['c', 'a', 'b']);
  });

  it('merges container ports by containerPort and env by name', () => {
    const out = applyPod({
      spec: {
        containers: [
          {
            name: 'a',
            ports: [{ containerPort: 443, name: 'https' }],
            env: [
              { name: 'B', value: 'two' },
              { name: 'C', value: '3' },
            ],
          },
        ],
      },
    });
    const a = out.spec.containers[0];
    expect(a.ports).toEqual([
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 443, protocol: 'TCP', name: 'https' },
    ]);
    expect(a.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ]);
  });

  it('merges volumes by name and volumeMounts by mountPath', () => {
    const out = applyPod({
      spec: {
        volumes: [{ name: 'conf', configMap: { name: 'conf2' } }],
        containers: [{ name: 'a', volumeMounts: [{ mountPath: '/data', readOnly: true }] }],
      },
    });
    expect(out.spec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'conf', configMap: { name: 'conf2' } },
    ]);
    expect(out.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
  });

  it('merges status conditions by type', () => {
    const out = applyPod({ status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(out.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
  });

  it('merges ownerReferences by uid', () => {
    const owned = { ...pod(), metadata: { ...pod().metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] } };
    const out = applyPod({ metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u2' }] } }, owned);
    expect(out.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true },
      { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u2' },
    ]);
  });

  it('merges Service ports by port', () => {
    const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = strategicMergePatch(svc, { spec: { ports: [{ port: 80, name: 'http' }] } }, ServiceSchema) as any;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }]);
  });

  it('replaces lists without a merge strategy (args, tolerations)', () => {
    const out = applyPod({ spec: { tolerations: [{ key: 'k2', operator: 'Exists' }], containers: [{ name: 'a', args: ['--three'] }] } });
    expect(out.spec.tolerations).toEqual([{ key: 'k2', operator: 'Exists' }]);
    expect(out.spec.containers[0].args).toEqual(['--three']);
  });

  it('deletes a keyed item with $patch: delete', () => {
    const out = applyPod({ spec: { containers: [{ name: 'b', $patch: 'delete' }], volumes: [{ name: 'conf', $patch: 'delete' }] } });
    expect(names(out.spec.containers)).toEqual(['a']);
    expect(names(out.spec.volumes)).toEqual(['data']);
  });

  it('makes the patch items the whole list with a {"$patch": "replace"} element', () => {
    const out = applyPod({ spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'z' }] } });
    expect(out.spec.containers).toEqual([{ name: 'z', image: 'z' }]);
  });

  it('refuses an item without its merge key, and a delete without it, with 400', () => {
    expect(patchError(() => applyPod({ spec: { containers: [{ image: 'x' }] } })).code).toBe(400);
    const e = patchError(() => applyPod({ spec: { containers: [{ $patch: 'delete' }] } }));
    expect(e.code).toBe(400);
    expect(e.message).toContain('does not contain declared merge key: name');
  });

  it('refuses $patch: merge and unknown $patch values in a list with 400', () => {
    expect(patchError(() => applyPod({ spec: { containers: [{ $patch: 'merge' }] } })).message).toBe('merging lists cannot yet be specified in the patch');
    expect(patchError(() => applyPod({ spec: { containers: [{ name: 'a', $patch: 'bogus' }] } })).message).toContain('unknown patch type: bogus');
  });
});

describe('lists of primitives with the merge strategy (finalizers)', () => {
  it('unions finalizers without duplicating', () => {
    const out = applyPod({ metadata: { finalizers: ['b/y', 'c/z'] } });
    expect(out.metadata.finalizers).toEqual(['a/x', 'b/y', 'c/z']);
  });

  it('removes values named in $deleteFromPrimitiveList', () => {
    const out = applyPod({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x', 'absent/q'] } });
    expect(out.metadata.finalizers).toEqual(['b/y']);
    expect(applyPod({ spec: { '$deleteFromPrimitiveList/nodeSelector': ['x'] } }).spec.nodeSelector).toBeUndefined();
  });

  it('applies a parallel list: additions, deletions and the final order together', () => {
    const out = applyPod({
      metadata: {
        '$setElementOrder/finalizers': ['c/z', 'b/y'],
        '$deleteFromPrimitiveList/finalizers': ['a/x'],
        finalizers: ['c/z'],
      },
    });
    expect(out.metadata.finalizers).toEqual(['c/z', 'b/y']);
  });

  it('refuses a $patch directive among primitives with 400', () => {
    expect(patchError(() => applyPod({ metadata: { finalizers: [{ $patch: 'delete' }] } })).code).toBe(400);
    expect(patchError(() => applyPod({ metadata: { '$deleteFromPrimitiveList/finalizers': 'a/x' } })).message).toBe(
      'invalid patch format of primitive list',
    );
  });
});

describe('$setElementOrder', () => {
  const listOf = (...ids: string[]) => ids.map((name) => ({ name, image: name }));

  it('orders the merged list; items only the server has keep their place relative to their live neighbours', () => {
    const live = { ...pod(), spec: { containers: listOf('1', '2', '9', '3', '4') } };
    const out = applyPod({ spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }] } }, live);
    expect(names(out.spec.containers)).toEqual(['2', '1', '9', '4', '3']);
  });

  it('puts several server-only items between the same neighbours', () => {
    const live = { ...pod(), spec: { containers: listOf('1', '2', '7', '9', '8', '3', '4') } };
    const out = applyPod({ spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }] } }, live);
    expect(names(out.spec.containers)).toEqual(['2', '1', '7', '9', '8', '4', '3']);
  });

  it('places an added item where the order list says', () => {
    const out = applyPod({
      spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }, { name: 'b' }], containers: [{ name: 'c', image: 'redis' }] },
    });
    expect(names(out.spec.containers)).toEqual(['a', 'c', 'b']);
  });

  it('orders a primitive list and unions the additions', () => {
    const live = { ...pod(), metadata: { ...pod().metadata, finalizers: ['1', '2', '4'] } };
    const out = applyPod({ metadata: { '$setElementOrder/finalizers': ['1', '2', '3'], finalizers: ['3'] } }, live);
    expect(out.metadata.finalizers).toEqual(['1', '2', '3', '4']);
  });

  it('removes an item with a delete directive while ordering the rest (a container dropped from a manifest)', () => {
    const out = applyPod({ spec: { '$setElementOrder/containers': [{ name: 'b' }], containers: [{ name: 'a', $patch: 'delete' }] } });
    expect(names(out.spec.containers)).toEqual(['b']);
  });

  it('refuses a patch list that contradicts the order list, and a malformed directive key, with 400', () => {
    const contradicts = patchError(() =>
      applyPod({ spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] } }),
    );
    expect(contradicts.code).toBe(400);
    expect(contradicts.message).toContain("doesn't match $setElementOrder list");
    expect(patchError(() => applyPod({ spec: { $setElementOrder: [] } })).message).toBe('invalid patch format of setElementOrder list');
  });
});

describe('map directives', () => {
  it('replaces a map wholesale with $patch: replace', () => {
    const out = applyPod({ metadata: { labels: { $patch: 'replace', only: 'this' } } });
    expect(out.metadata.labels).toEqual({ only: 'this' });
  });

  it('empties a map with $patch: delete, as Kubernetes does', () => {
    expect(applyPod({ metadata: { labels: { $patch: 'delete' } } }).metadata.labels).toEqual({});
    expect(applyPod({ spec: { securityContext: { $patch: 'delete' } } }).spec).not.toHaveProperty('securityContext');
  });

  it('refuses $patch: merge and unknown values on a map with 400', () => {
    expect(patchError(() => applyPod({ metadata: { labels: { $patch: 'merge' } } })).message).toContain('unknown patch type: merge');
    expect(patchError(() => applyPod({ $patch: 'nonsense' })).code).toBe(400);
  });
});

describe('$retainKeys (Deployment.spec.strategy)', () => {
  const deployment = () => ({
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'a', image: 'a' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    },
  });

  it('drops rollingUpdate when the strategy switches to Recreate', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } };
    const out = strategicMergePatch(deployment(), patch, DeploymentSchema) as any;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template).toEqual(deployment().spec.template);
  });

  it('clears live keys the list does not name even when the patch does not mention them', () => {
    const out = strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DeploymentSchema) as any;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('refuses a patch that sets a field the retain list leaves out, with 400', () => {
    const e = patchError(() => strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, DeploymentSchema));
    expect(e).toMatchObject({ code: 400, message: 'invalid patch format of retainKeys' });
  });

  it('applies directives inside a value the live object lacks instead of storing them', () => {
    const bare = deployment();
    delete (bare.spec as any).strategy;
    const out = strategicMergePatch(bare, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DeploymentSchema) as any;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('kubectl apply patches', () => {
  it('applies the example from the compatibility notes (image change with $setElementOrder)', () => {
    const lastApplied = '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"nginx"},"spec":{"containers":[{"image":"nginx:1.26","name":"nginx"}]}}\n';
    const live = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nginx', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'old' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always' },
    };
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] },
    };
    const out = applyPod(patch, live);
    expect(out).toEqual({
      ...live,
      metadata: { ...live.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.26', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always' },
    });
  });

  it('is idempotent: applying a patch to its own result changes nothing', () => {
    const patches = [
      { spec: { containers: [{ name: 'c', image: 'redis' }] } },
      { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'x' }] } },
      { metadata: { '$setElementOrder/finalizers': ['c/z'], '$deleteFromPrimitiveList/finalizers': ['a/x', 'b/y'], finalizers: ['c/z'] } },
      { spec: { containers: [{ name: 'b', $patch: 'delete' }] }, metadata: { labels: { tier: null } } },
      { spec: { volumes: [{ $patch: 'replace' }, { name: 'v', emptyDir: {} }] } },
    ];
    for (const patch of patches) {
      const once = applyPod(patch);
      expect(applyPod(patch, once)).toEqual(once);
    }
  });
});

describe('schemas without strategies', () => {
  const Custom = Struct({
    metadata: Opt(Struct({ name: Opt(Str()) })),
    items: Opt(List(Struct({ id: Str(), v: Opt(Str()) }))),
    byName: Opt(MapOf(Struct({ a: Opt(Str()), b: Opt(Str()) }))),
    raw: Opt(RawJSON()),
  });
  const custom = { metadata: { name: 'c' }, items: [{ id: '1', v: 'x' }, { id: '2' }], byName: { k: { a: '1', b: '2' } }, raw: { keep: 1, list: [1, 2], nested: { x: 1 } } };

  it('replaces lists of maps that have no merge key', () => {
    expect((strategicMergePatch(custom, { items: [{ id: '3' }] }, Custom) as any).items).toEqual([{ id: '3' }]);
  });

  it('merges the values of a map (Record) recursively', () => {
    const out = strategicMergePatch(custom, { byName: { k: { b: '3' }, n: { a: '4' } } }, Custom) as any;
    expect(out.byName).toEqual({ k: { a: '1', b: '3' }, n: { a: '4' } });
  });

  it('patches free-form JSON with merge-patch rules', () => {
    const out = strategicMergePatch(custom, { raw: { list: [3], nested: { y: 2, x: null } } }, Custom) as any;
    expect(out.raw).toEqual({ keep: 1, list: [3], nested: { y: 2 } });
  });

  it('refuses lists of lists with 422', () => {
    expect(patchError(() => strategicMergePatch({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [['b']] } }, PodSchema)).code).toBe(422);
  });
});
