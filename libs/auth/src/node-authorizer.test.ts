import { nodeAndRbacAuthorizer, resultOf } from './index';
import { NodeAuthorizer, nodeNameOf } from './node-authorizer';
import { NodeGraph, podReferences, type GraphPod, type PodLister } from './node-graph';
import type { RequestAttributes } from './request-attributes';
import { staticRbacSource } from './rbac-source';

/** A pod lister tests change in place; each change moves the version, as a watch cache's would. */
class Pods implements PodLister {
  private pods: GraphPod[] = [];
  private rev = 0;
  set(...pods: GraphPod[]) {
    this.pods = pods;
    this.rev++;
  }
  list() {
    return this.pods;
  }
  version() {
    return this.rev;
  }
}

const nodeUser = (name: string) => ({ name: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] });
const res = (node: string, verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user: nodeUser(node),
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource,
  ...extra,
});

const webPod = (nodeName: string | undefined): GraphPod => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    nodeName,
    serviceAccountName: 'web-sa',
    imagePullSecrets: [{ name: 'pull' }],
    volumes: [
      { name: 'creds', secret: { secretName: 'db-password' } },
      { name: 'conf', configMap: { name: 'web-config' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
      { name: 'both', projected: { sources: [{ secret: { name: 'projected-secret' } }, { configMap: { name: 'projected-config' } }] } },
    ],
    containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'env-secret' } } }], envFrom: [{ configMapRef: { name: 'env-config' } }] }],
    initContainers: [{ envFrom: [{ secretRef: { name: 'init-secret' } }] }],
  },
});

describe('podReferences', () => {
  it('finds every secret, configmap, claim and the service account a pod uses', () => {
    expect(podReferences(webPod('a')).sort()).toEqual(
      [
        ['serviceaccounts', 'web-sa'],
        ['secrets', 'pull'],
        ['secrets', 'db-password'],
        ['configmaps', 'web-config'],
        ['persistentvolumeclaims', 'web-data'],
        ['secrets', 'projected-secret'],
        ['configmaps', 'projected-config'],
        ['secrets', 'env-secret'],
        ['configmaps', 'env-config'],
        ['secrets', 'init-secret'],
      ].sort(),
    );
  });
});

describe('NodeGraph and the Node authorizer', () => {
  let pods: Pods;
  let authz: NodeAuthorizer;
  beforeEach(() => {
    pods = new Pods();
    pods.set(webPod('a'));
    authz = new NodeAuthorizer(new NodeGraph(pods));
  });
  const getSecret = (node: string, name: string, namespace = 'default') => authz.authorize(res(node, 'get', 'secrets', { namespace, name }));

  it("lets a node read the secrets, configmaps, claims and service account its pods reference, and nothing else", () => {
    for (const name of ['db-password', 'pull', 'projected-secret', 'env-secret', 'init-secret']) expect([name, getSecret('a', name).decision]).toEqual([name, 'Allow']);
    expect(authz.authorize(res('a', 'get', 'configmaps', { namespace: 'default', name: 'web-config' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'get', 'persistentvolumeclaims', { namespace: 'default', name: 'web-data' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'get', 'serviceaccounts', { namespace: 'default', name: 'web-sa' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'create', 'serviceaccounts', { namespace: 'default', name: 'web-sa', subresource: 'token' })).decision).toBe('Allow');
    expect(getSecret('a', 'other')).toEqual({ decision: 'NoOpinion', reason: "no relationship found between node 'a' and this object" });
    // The same name in another namespace is another object.
    expect(getSecret('a', 'db-password', 'kube-system').decision).toBe('NoOpinion');
    expect(getSecret('b', 'db-password')).toEqual({ decision: 'NoOpinion', reason: "no relationship found between node 'b' and this object" });
  });

  it('never lets a node list or watch secrets', () => {
    expect(authz.authorize(res('a', 'list', 'secrets', { namespace: 'default' })).decision).toBe('NoOpinion');
    expect(authz.authorize(res('a', 'watch', 'configmaps', {})).decision).toBe('NoOpinion');
    expect(authz.authorize(res('a', 'update', 'secrets', { namespace: 'default', name: 'db-password' })).decision).toBe('NoOpinion');
  });

  it('takes the access away when the pod is deleted or bound elsewhere', () => {
    expect(getSecret('a', 'db-password').decision).toBe('Allow');
    pods.set(webPod('b'));
    expect(getSecret('a', 'db-password').decision).toBe('NoOpinion');
    expect(getSecret('b', 'db-password').decision).toBe('Allow');
    pods.set();
    expect(getSecret('b', 'db-password').decision).toBe('NoOpinion');
  });

  it("gives a mirror pod's node no access to its service account", () => {
    pods.set({ metadata: { name: 'static', namespace: 'default', annotations: { 'kubernetes.io/config.mirror': 'h' } }, spec: { nodeName: 'a', serviceAccountName: 'default' } });
    expect(authz.authorize(res('a', 'create', 'serviceaccounts', { namespace: 'default', name: 'default', subresource: 'token' })).decision).toBe('NoOpinion');
  });

  it('gives an unbound pod no node access to its references', () => {
    pods.set(webPod(undefined));
    expect(getSecret('a', 'db-password').decision).toBe('NoOpinion');
  });

  it('lets a node write only its own Node, and read every node', () => {
    expect(authz.authorize(res('a', 'get', 'nodes', { name: 'b' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'list', 'nodes')).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'create', 'nodes')).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'patch', 'nodes', { name: 'a', subresource: 'status' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'update', 'nodes', { name: 'a' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'patch', 'nodes', { name: 'b', subresource: 'status' }))).toEqual({ decision: 'NoOpinion', reason: "node 'a' is not allowed to modify node 'b'" });
    expect(authz.authorize(res('a', 'delete', 'nodes', { name: 'b' })).decision).toBe('NoOpinion');
  });

  it("lets a node write only its own Lease in kube-node-lease", () => {
    const lease = (verb: string, name: string | undefined, namespace = 'kube-node-lease') =>
      authz.authorize(res('a', verb, 'leases', { apiGroup: 'coordination.k8s.io', namespace, name }));
    expect(lease('update', 'a').decision).toBe('Allow');
    expect(lease('get', 'a').decision).toBe('Allow');
    expect(lease('create', undefined).decision).toBe('Allow');
    expect(lease('update', 'b')).toEqual({ decision: 'NoOpinion', reason: 'can only access node lease with the same name as the requesting node' });
    expect(lease('update', 'a', 'kube-system').decision).toBe('NoOpinion');
    expect(lease('list', undefined).decision).toBe('NoOpinion');
  });

  it("lets a node write the status of its own pods only", () => {
    const status = (node: string, verb: string) => authz.authorize(res(node, verb, 'pods', { namespace: 'default', name: 'web', subresource: 'status' }));
    expect(status('a', 'patch').decision).toBe('Allow');
    expect(status('a', 'update').decision).toBe('Allow');
    expect(status('b', 'update')).toEqual({ decision: 'NoOpinion', reason: "no relationship found between node 'b' and this object" });
    expect(authz.authorize(res('b', 'list', 'pods', {})).decision).toBe('Allow');
    expect(authz.authorize(res('b', 'update', 'pods', { namespace: 'default', name: 'web' })).decision).toBe('NoOpinion');
  });

  it('allows reading services and endpoints and recording events', () => {
    expect(authz.authorize(res('a', 'watch', 'services')).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'list', 'endpoints')).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'list', 'endpointslices', { apiGroup: 'discovery.k8s.io' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'create', 'events', { namespace: 'default' })).decision).toBe('Allow');
    expect(authz.authorize(res('a', 'delete', 'services', { namespace: 'default', name: 'x' })).decision).toBe('NoOpinion');
    expect(authz.authorize(res('a', 'list', 'deployments', { apiGroup: 'apps' })).decision).toBe('NoOpinion');
  });

  it('has no opinion on anyone but a kubelet', () => {
    expect(nodeNameOf({ name: 'system:node:a', groups: ['system:nodes'] })).toBe('a');
    expect(nodeNameOf({ name: 'system:node:a', groups: [] })).toBeUndefined();
    expect(nodeNameOf({ name: 'system:node:', groups: ['system:nodes'] })).toBeUndefined();
    expect(authz.authorize({ ...res('a', 'get', 'secrets', { namespace: 'default', name: 'db-password' }), user: { name: 'alice', groups: [] } }).decision).toBe('NoOpinion');
  });
});

describe('nodeAndRbacAuthorizer', () => {
  it('asks the Node authorizer first and passes what it has no opinion on to RBAC', () => {
    const pods = new Pods();
    pods.set(webPod('a'));
    const chain = nodeAndRbacAuthorizer(new NodeGraph(pods), staticRbacSource({}));
    expect(resultOf(chain.authorize(res('a', 'get', 'secrets', { namespace: 'default', name: 'db-password' }))).allowed).toBe(true);
    const denied = resultOf(chain.authorize(res('a', 'get', 'secrets', { namespace: 'default', name: 'other' })));
    expect(denied.allowed).toBe(false);
    expect(denied.reason).toContain("no relationship found between node 'a' and this object");
    expect(resultOf(chain.authorize({ ...res('a', 'delete', 'namespaces', { name: 'x' }), user: { name: 'root', groups: ['system:masters'] } })).allowed).toBe(true);
  });
});
