import type { ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef } from '@skiff/api';
import type { Authorizer, AuthorizerDecision } from './authorizer';
import { RbacIndex } from './rbac-index';
import type { RbacSource } from './rbac-source';
import type { RequestAttributes } from './request-attributes';
import { ruleAllows } from './rule-matching';
import { describeSubject, firstMatchingSubject, keysOf } from './subject-match';

/** The rules a binding grants, or why they could not be found (Kubernetes' NotFound text, a reason for the 403). */
type Resolved = { rules: readonly PolicyRule[] } | { error: string };

/**
 * Kubernetes' RBAC authorizer: ClusterRoleBindings grant their ClusterRole everywhere; RoleBindings grant their
 * Role, or a ClusterRole, only in their own namespace. The first rule that allows the request wins; otherwise it
 * has no opinion, with the roles it could not find as the reason.
 */
export class RbacAuthorizer implements Authorizer {
  private readonly index: RbacIndex;

  constructor(source: RbacSource) {
    this.index = new RbacIndex(source);
  }

  authorize(attrs: RequestAttributes): AuthorizerDecision {
    const keys = keysOf(attrs.user);
    const errors: string[] = [];
    for (const binding of this.index.clusterRoleBindingsFor(keys)) {
      const allowed = this.check(attrs, binding, '', errors);
      if (allowed) return allowed;
    }
    const namespace = attrs.namespace ?? '';
    if (namespace) {
      for (const binding of this.index.roleBindingsFor(namespace, keys)) {
        const allowed = this.check(attrs, binding, namespace, errors);
        if (allowed) return allowed;
      }
    }
    return { decision: 'NoOpinion', reason: errors.length ? `RBAC: ${aggregateErrors(errors)}` : '' };
  }

  /** Every rule the user holds in the namespace ('' for cluster-wide only): what `kubectl auth can-i --list` shows. */
  rulesFor(attrs: Pick<RequestAttributes, 'user' | 'namespace'>): { rules: PolicyRule[]; errors: string[] } {
    const keys = keysOf(attrs.user);
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    const add = (ref: RoleRef, namespace: string) => {
      const r = this.resolve(ref, namespace);
      if ('error' in r) errors.push(r.error);
      else rules.push(...r.rules);
    };
    for (const b of this.index.clusterRoleBindingsFor(keys)) add(b.roleRef, '');
    const namespace = attrs.namespace ?? '';
    if (namespace) for (const b of this.index.roleBindingsFor(namespace, keys)) add(b.roleRef, namespace);
    return { rules, errors };
  }

  private check(attrs: RequestAttributes, binding: RoleBinding | ClusterRoleBinding, namespace: string, errors: string[]): AuthorizerDecision | undefined {
    const resolved = this.resolve(binding.roleRef, namespace);
    if ('error' in resolved) {
      errors.push(resolved.error);
      return undefined;
    }
    if (!resolved.rules.some((rule) => ruleAllows(attrs, rule))) return undefined;
    const subject = firstMatchingSubject(binding.subjects, attrs.user, namespace);
    const ref = binding.roleRef;
    const what = namespace ? `RoleBinding ${JSON.stringify(`${binding.metadata.name}/${namespace}`)}` : `ClusterRoleBinding ${JSON.stringify(binding.metadata.name)}`;
    const to = subject ? ` to ${describeSubject(subject, namespace)}` : '';
    return { decision: 'Allow', reason: `RBAC: allowed by ${what} of ${ref.kind} ${JSON.stringify(ref.name)}${to}` };
  }

  private resolve(ref: RoleRef, namespace: string): Resolved {
    switch (ref.kind) {
      case 'Role': {
        const role = namespace ? this.index.getRole(namespace, ref.name) : undefined;
        return role ? { rules: role.rules ?? [] } : { error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
      }
      case 'ClusterRole': {
        const role = this.index.getClusterRole(ref.name);
        return role ? { rules: role.rules ?? [] } : { error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
      }
      default:
        return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
    }
  }
}

/** utilerrors.NewAggregate's text: one message alone, several distinct ones as `[a, b]`. */
function aggregateErrors(messages: readonly string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? distinct[0] : `[${distinct.join(', ')}]`;
}
