import { resultOf, unionAuthorizer, type AuthorizationResult, type Authorizer } from './authorizer';
import { NodeAuthorizer } from './node-authorizer';
import type { NodeGraph } from './node-graph';
import { privilegedGroupsAuthorizer } from './privileged-groups';
import { RbacAuthorizer } from './rbac-authorizer';
import type { RbacSource } from './rbac-source';
import type { RequestAttributes } from './request-attributes';
import { nodeRuleResolver, rbacRuleResolver, unionRuleResolver, type AuthorizationChain } from './rule-resolver';

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

/** `--authorization-mode=RBAC` with the rules behind it: system:masters, then RBAC (whose bindings also list cluster-admin). */
export function rbacChain(source: RbacSource): AuthorizationChain {
  const rbac = new RbacAuthorizer(source);
  return { authorizer: unionAuthorizer([privilegedGroupsAuthorizer(), rbac]), rules: rbacRuleResolver(rbac) };
}

/** `--authorization-mode=Node,RBAC` with the rules behind it: a kubelet's rules are incomplete, as the Node authorizer cannot list them. */
export function nodeAndRbacChain(graph: NodeGraph, source: RbacSource): AuthorizationChain {
  const rbac = new RbacAuthorizer(source);
  return {
    authorizer: unionAuthorizer([privilegedGroupsAuthorizer(), new NodeAuthorizer(graph), rbac]),
    rules: unionRuleResolver([nodeRuleResolver, rbacRuleResolver(rbac)]),
  };
}
