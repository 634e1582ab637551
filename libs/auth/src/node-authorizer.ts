import type { Authorizer, AuthorizerDecision } from './authorizer';
import type { NodeGraph, ReferencedKind } from './node-graph';
import type { RequestAttributes } from './request-attributes';
import { nodesGroup, nodeUserPrefix, type UserInfo } from './user';

/** The namespace of the kubelets' heartbeat Leases, one per node, named after it. */
export const nodeLeaseNamespace = 'kube-node-lease';

/** The node a user is the kubelet of: `system:node:<name>` in `system:nodes`; undefined for anyone else. */
export function nodeNameOf(user: Pick<UserInfo, 'name' | 'groups'>): string | undefined {
  if (!user.groups.includes(nodesGroup) || !user.name.startsWith(nodeUserPrefix)) return undefined;
  return user.name.slice(nodeUserPrefix.length) || undefined;
}

const allow: AuthorizerDecision = { decision: 'Allow', reason: '' };
const noOpinion = (reason = ''): AuthorizerDecision => ({ decision: 'NoOpinion', reason });
const noRelationship = (node: string) => noOpinion(`no relationship found between node '${node}' and this object`);

const read = new Set(['get', 'list', 'watch']);
const write = new Set(['update', 'patch']);
const recordEvent = new Set(['create', 'update', 'patch']);
const leaseVerbs = new Set(['get', 'create', 'update', 'patch', 'delete']);
const graphKinds = new Set<string>(['secrets', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts']);

/**
 * Kubernetes' Node authorizer: a kubelet (`system:node:<name>`) may read what every kubelet needs (nodes, pods,
 * services, endpoints), read a secret, configmap, claim or service account only while a pod bound to it
 * references it, and write only its own Node, its own Lease, its pods' status and events. Everything else has no
 * opinion and falls through to the next authorizer; NodeRestriction admission checks the objects written.
 */
export class NodeAuthorizer implements Authorizer {
  constructor(private readonly graph: NodeGraph) {}

  authorize(attrs: RequestAttributes): AuthorizerDecision {
    const node = nodeNameOf(attrs.user);
    if (node === undefined || !attrs.resourceRequest) return noOpinion();
    const group = attrs.apiGroup ?? '';
    const resource = attrs.resource ?? '';
    const sub = attrs.subresource ?? '';
    const { verb } = attrs;
    if (group === '') {
      if (graphKinds.has(resource)) return this.referenced(node, resource as ReferencedKind, attrs);
      switch (resource) {
        case 'nodes':
          return this.nodeObject(node, attrs);
        case 'pods':
          return this.pod(node, attrs);
        case 'services':
        case 'endpoints':
          return !sub && read.has(verb) ? allow : noOpinion();
        case 'events':
          return !sub && recordEvent.has(verb) ? allow : noOpinion();
      }
      return noOpinion();
    }
    if (group === 'discovery.k8s.io' && resource === 'endpointslices' && !sub && read.has(verb)) return allow;
    if (group === 'events.k8s.io' && resource === 'events' && !sub && recordEvent.has(verb)) return allow;
    if (group === 'coordination.k8s.io' && resource === 'leases') return this.lease(node, attrs);
    // Bootstrap and the kubelet's own authentication/authorization webhooks, as the system:node role grants.
    if (group === 'certificates.k8s.io' && resource === 'certificatesigningrequests' && !sub && (verb === 'create' || read.has(verb))) return allow;
    if (group === 'authentication.k8s.io' && resource === 'tokenreviews' && verb === 'create') return allow;
    if (group === 'authorization.k8s.io' && resource === 'subjectaccessreviews' && verb === 'create') return allow;
    return noOpinion();
  }

  private referenced(node: string, kind: ReferencedKind, attrs: RequestAttributes): AuthorizerDecision {
    const sub = attrs.subresource ?? '';
    const tokenRequest = kind === 'serviceaccounts' && sub === 'token' && attrs.verb === 'create';
    if (!tokenRequest && (sub || attrs.verb !== 'get')) return noOpinion(`can only get individual resources of this type`);
    if (!attrs.name) return noOpinion('cannot authorize a request without a name');
    return this.graph.references(node, kind, attrs.namespace ?? '', attrs.name) ? allow : noRelationship(node);
  }

  private nodeObject(node: string, attrs: RequestAttributes): AuthorizerDecision {
    const sub = attrs.subresource ?? '';
    if (sub && sub !== 'status') return noOpinion();
    if (read.has(attrs.verb)) return allow;
    // A create names the node only in its body: NodeRestriction checks it is the kubelet's own.
    if (attrs.verb === 'create' && !sub) return allow;
    if (!write.has(attrs.verb) && !(attrs.verb === 'delete' && !sub)) return noOpinion();
    return attrs.name === node ? allow : noOpinion(`node '${node}' is not allowed to modify node '${attrs.name ?? ''}'`);
  }

  private pod(node: string, attrs: RequestAttributes): AuthorizerDecision {
    const sub = attrs.subresource ?? '';
    const { verb } = attrs;
    if (!sub) {
      if (read.has(verb)) return allow;
      // Mirror pods of static pods; NodeRestriction admits only those bound to this node.
      if (verb === 'create' || verb === 'delete') return allow;
      return noOpinion();
    }
    if (sub === 'status') {
      if (verb === 'get') return allow;
      if (!write.has(verb)) return noOpinion();
      return attrs.name && this.graph.nodeOfPod(attrs.namespace ?? '', attrs.name) === node ? allow : noRelationship(node);
    }
    return noOpinion();
  }

  private lease(node: string, attrs: RequestAttributes): AuthorizerDecision {
    if (attrs.subresource) return noOpinion();
    if (!leaseVerbs.has(attrs.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (attrs.namespace !== nodeLeaseNamespace) return noOpinion(`can only access leases in the ${nodeLeaseNamespace} namespace`);
    // A create names the lease only in its body: NodeRestriction checks it.
    if (attrs.verb === 'create' && !attrs.name) return allow;
    return attrs.name === node ? allow : noOpinion('can only access node lease with the same name as the requesting node');
  }
}
