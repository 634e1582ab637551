import { resultOf, unionAuthorizer, type AuthorizationResult, type Authorizer } from './authorizer';
import { NodeAuthorizer } from './node-authorizer';
import type { NodeGraph } from './node-graph';
import { privilegedGroupsAuthorizer } from './privileged-groups';
import { RbacAuthorizer } from './rbac-authorizer';
import type { RbacSource } from './rbac-source';
import type { RequestAttributes } from './request-attributes';

// One authorizer, and so one index, per source: the index is rebuilt only when the source's objects change.
const chains = new WeakMap<RbacSource, Authorizer>();

/** The chain Kubernetes runs with `--authorization-mode=RBAC`: system:masters first, then RBAC. */
export function defaultAuthorizer(source: RbacSource): Authorizer {
  return unionAuthorizer([privilegedGroupsAuthorizer(), new RbacAuthorizer(source)]);
}

/** Whether the request is allowed by system:masters membership or by RBAC over `source`, and why. */
export function authorize(attrs: RequestAttributes, source: RbacSource): AuthorizationResult {
  let chain = chains.get(source);
  if (!chain) chains.set(source, (chain = defaultAuthorizer(source)));
  return resultOf(chain.authorize(attrs));
}

/**
 * The chain of `--authorization-mode=Node,RBAC`: system:masters first, then the Node authorizer for kubelets
 * over `graph`, then RBAC for everyone the Node authorizer has no opinion on.
 */
export function nodeAndRbacAuthorizer(graph: NodeGraph, source: RbacSource): Authorizer {
  return unionAuthorizer([privilegedGroupsAuthorizer(), new NodeAuthorizer(graph), new RbacAuthorizer(source)]);
}
