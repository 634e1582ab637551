import { builtinScheme, type KObject } from '@skiff/api';
import { StatusError } from '../handlers/status-error';
import type { AdmissionOperation, AdmissionRequest, UserInfo } from './admission';
import { kubeletMaySetLabel, nodeRestriction } from './node-restriction';

const nodeA: UserInfo = { name: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] };
const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const types = {
  nodes: builtinScheme.forResource('', 'v1', 'nodes')!,
  pods: builtinScheme.forResource('', 'v1', 'pods')!,
  leases: builtinScheme.forResource('coordination.k8s.io', 'v1', 'leases')!,
};

function request(resource: keyof typeof types, operation: AdmissionOperation, name: string, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { operation, type: types[resource], name, user: nodeA, dryRun: false, ...extra };
}

/** The 403 message NodeRestriction answers with, or undefined when it admits the request. */
function verdict(req: AdmissionRequest): string | undefined {
  try {
    void nodeRestriction().validate!(req);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(403);
    return (e as StatusError).message;
  }
}

const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KObject => ({ metadata: { name, labels }, spec: { taints } });
const pod = (name: string, nodeName: string, extra: Partial<KObject['metadata']> = {}, spec: Record<string, unknown> = {}): KObject => ({
  metadata: { name, namespace: 'default', ...extra },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], ...spec },
});
const mirror = { annotations: { 'kubernetes.io/config.mirror': 'hash' } };

describe('NodeRestriction on nodes', () => {
  it('lets a node create and update only its own Node', () => {
    expect(verdict(request('nodes', 'CREATE', 'a', { object: node('a', { 'kubernetes.io/hostname': 'a' }) }))).toBeUndefined();
    expect(verdict(request('nodes', 'UPDATE', 'a', { subresource: 'status', object: node('a'), oldObject: node('a') }))).toBeUndefined();
    expect(verdict(request('nodes', 'UPDATE', 'b', { object: node('b'), oldObject: node('b') }))).toBe('nodes "b" is forbidden: node "a" is not allowed to modify node "b"');
    expect(verdict(request('nodes', 'CREATE', 'b', { object: node('b') }))).toBe('nodes "b" is forbidden: node "a" is not allowed to modify node "b"');
    expect(verdict(request('nodes', 'DELETE', 'b', { oldObject: node('b') }))).toContain('is not allowed to modify node "b"');
  });

  it('keeps protected labels and taints out of a kubelet\'s reach', () => {
    const created = verdict(request('nodes', 'CREATE', 'a', { object: node('a', { 'node-restriction.kubernetes.io/pci': 'yes', 'foo.k8s.io/x': '1', team: 'x' }) }));
    expect(created).toBe('nodes "a" is forbidden: node "a" is not allowed to set the following labels: foo.k8s.io/x, node-restriction.kubernetes.io/pci');
    const relabel = request('nodes', 'UPDATE', 'a', { object: node('a', {}), oldObject: node('a', { 'node-restriction.kubernetes.io/pci': 'yes' }) });
    expect(verdict(relabel)).toBe('nodes "a" is forbidden: node "a" is not allowed to modify labels: node-restriction.kubernetes.io/pci');
    const unchanged = request('nodes', 'UPDATE', 'a', { object: node('a', { 'node-restriction.kubernetes.io/pci': 'yes', x: '2' }), oldObject: node('a', { 'node-restriction.kubernetes.io/pci': 'yes', x: '1' }) });
    expect(verdict(unchanged)).toBeUndefined();
    const taint = request('nodes', 'UPDATE', 'a', { object: node('a', {}, [{ key: 'k', effect: 'NoSchedule' }]), oldObject: node('a') });
    expect(verdict(taint)).toBe('nodes "a" is forbidden: node "a" is not allowed to modify taints');
  });

  it('knows which labels a kubelet may set', () => {
    for (const k of ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'node.kubernetes.io/anything', 'kubelet.kubernetes.io/x', 'example.com/x', 'plain']) expect([k, kubeletMaySetLabel(k)]).toEqual([k, true]);
    for (const k of ['node-restriction.kubernetes.io/x', 'a.node-restriction.kubernetes.io/x', 'kubernetes.io/other', 'node-role.kubernetes.io/control-plane', 'x.k8s.io/y']) expect([k, kubeletMaySetLabel(k)]).toEqual([k, false]);
  });
});

describe('NodeRestriction on pods', () => {
  it('lets a node update the status of and delete only pods bound to it', () => {
    expect(verdict(request('pods', 'UPDATE', 'mine', { subresource: 'status', object: pod('mine', 'a'), oldObject: pod('mine', 'a') }))).toBeUndefined();
    expect(verdict(request('pods', 'DELETE', 'mine', { oldObject: pod('mine', 'a') }))).toBeUndefined();
    expect(verdict(request('pods', 'UPDATE', 'x', { subresource: 'status', object: pod('x', 'b'), oldObject: pod('x', 'b') }))).toBe(
      'pods "x" is forbidden: node "a" can only update pod status for pods with spec.nodeName set to itself: pod "x" is bound to node "b"',
    );
    expect(verdict(request('pods', 'DELETE', 'x', { oldObject: pod('x', 'b') }))).toBe('pods "x" is forbidden: node "a" can only delete pods with spec.nodeName set to itself: pod "x" is bound to node "b"');
    expect(verdict(request('pods', 'DELETE', 'x', { oldObject: pod('x', '') }))).toContain('pod "x" is not bound to a node');
    expect(verdict(request('pods', 'UPDATE', 'mine', { object: pod('mine', 'a'), oldObject: pod('mine', 'a') }))).toContain('can only create and delete mirror pods');
  });

  it('lets a node create only mirror pods bound to itself that reference nothing', () => {
    expect(verdict(request('pods', 'CREATE', 'static-a', { object: pod('static-a', 'a', { ...mirror, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'u' }] }) }))).toBeUndefined();
    expect(verdict(request('pods', 'CREATE', 'p', { object: pod('p', 'a') }))).toBe('pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "a" can only create mirror pods');
    expect(verdict(request('pods', 'CREATE', 'p', { object: pod('p', 'b', mirror) }))).toBe('pods "p" is forbidden: node "a" can only create pods with spec.nodeName set to itself, not "b"');
    expect(verdict(request('pods', 'CREATE', 'p', { object: pod('p', 'a', { ...mirror, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'b', uid: 'u' }] }) }))).toContain('owner reference set to itself');
    const withSecret = pod('p', 'a', mirror, { volumes: [{ name: 'v', secret: { secretName: 's' } }] });
    expect(verdict(request('pods', 'CREATE', 'p', { object: withSecret }))).toBe('pods "p" is forbidden: node "a" can not create pods that reference secrets');
    expect(verdict(request('pods', 'CREATE', 'p', { object: pod('p', 'a', mirror, { serviceAccountName: 'default' }) }))).toBeUndefined();
    expect(verdict(request('pods', 'CREATE', 'p', { object: pod('p', 'a', mirror, { serviceAccountName: 'robot' }) }))).toBe('pods "p" is forbidden: node "a" can not create pods that reference serviceaccounts');
  });
});

describe('NodeRestriction on leases', () => {
  it('lets a node write only its own Lease in kube-node-lease', () => {
    expect(verdict(request('leases', 'UPDATE', 'a', { namespace: 'kube-node-lease' }))).toBeUndefined();
    expect(verdict(request('leases', 'CREATE', 'a', { namespace: 'kube-node-lease' }))).toBeUndefined();
    expect(verdict(request('leases', 'UPDATE', 'b', { namespace: 'kube-node-lease' }))).toContain('can only access node lease with the same name as the requesting node');
    expect(verdict(request('leases', 'CREATE', 'a', { namespace: 'kube-system' }))).toContain('can only access leases in the kube-node-lease namespace');
  });
});

describe('NodeRestriction and other users', () => {
  it('lets everyone but a kubelet through', () => {
    expect(verdict(request('nodes', 'UPDATE', 'b', { user: alice, object: node('b', { 'node-restriction.kubernetes.io/x': '1' }), oldObject: node('b') }))).toBeUndefined();
    expect(verdict(request('pods', 'CREATE', 'p', { user: alice, object: pod('p', 'b') }))).toBeUndefined();
    // A user named like a node but outside system:nodes is not a kubelet.
    expect(verdict(request('pods', 'DELETE', 'x', { user: { name: 'system:node:a', groups: [] }, oldObject: pod('x', 'b') }))).toBeUndefined();
  });
});

describe('NodeRestriction on ServiceAccount TokenRequests', () => {
  const serviceaccounts = builtinScheme.forResource('', 'v1', 'serviceaccounts')!;
  const livePods: Record<string, KObject> = {
    'mine': pod('mine', 'a', { uid: 'mine-uid' }),
    'theirs': pod('theirs', 'b', { uid: 'theirs-uid' }),
  };
  const plugin = nodeRestriction(async (_ns, name) => livePods[name]);
  const tokenRequest = (boundObjectRef?: Record<string, string>, user = nodeA): AdmissionRequest => ({
    operation: 'CREATE',
    type: serviceaccounts,
    subresource: 'token',
    namespace: 'default',
    name: 'builder',
    object: { metadata: { name: 'builder' }, spec: { audiences: ['api'], ...(boundObjectRef ? { boundObjectRef } : {}) } } as KObject,
    user,
    dryRun: false,
  });
  const answer = async (req: AdmissionRequest) => {
    try {
      await plugin.validate!(req);
      return 'admitted';
    } catch (e) {
      return `${(e as StatusError).code} ${(e as StatusError).message}`;
    }
  };
  const ref = { apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'mine-uid' };

  it('admits a token bound to a pod on the node, by name and uid', async () => {
    expect(await answer(tokenRequest(ref))).toBe('admitted');
  });

  it('refuses unbound, secret- or node-bound tokens and pod bindings without a uid', async () => {
    const notBound = '403 serviceaccounts "builder" is forbidden: node requested token not bound to a pod';
    expect(await answer(tokenRequest())).toBe(notBound);
    expect(await answer(tokenRequest({ apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u' }))).toBe(notBound);
    expect(await answer(tokenRequest({ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'u' }))).toBe(notBound);
    expect(await answer(tokenRequest({ ...ref, uid: '' }))).toBe('403 serviceaccounts "builder" is forbidden: node requested token with a pod binding without a uid');
  });

  it('refuses pods on other nodes, replaced pods and missing pods', async () => {
    expect(await answer(tokenRequest({ ...ref, name: 'theirs', uid: 'theirs-uid' }))).toBe('403 serviceaccounts "builder" is forbidden: node requested token bound to a pod scheduled on a different node');
    expect(await answer(tokenRequest({ ...ref, uid: 'old-uid' }))).toBe(
      '403 serviceaccounts "builder" is forbidden: the UID in the bound object reference (old-uid) does not match the UID in record. The object might have been deleted and then recreated',
    );
    expect(await answer(tokenRequest({ ...ref, name: 'gone' }))).toBe('404 pods "gone" not found');
  });

  it('leaves everyone but kubelets alone', async () => {
    expect(await answer(tokenRequest(undefined, alice))).toBe('admitted');
  });
});
