import type { Authorizer } from './authorizer';
import { nodeNameOf } from './node-authorizer';
import type { RbacAuthorizer } from './rbac-authorizer';
import type { UserInfo } from './user';

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}

/** Everything a user may do in a namespace, as far as the authorizers can list it (a SelfSubjectRulesReview's status). */
export interface SubjectRules {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  /** True when some authorizer decides in ways it cannot list (the Node authorizer for kubelets). */
  incomplete: boolean;
  /** Why the list may be short: roles that could not be found, authorizers that cannot list. */
  errors: string[];
}

/** Kubernetes' RuleResolver: the rules behind an authorizer's decisions, for `kubectl auth can-i --list`. */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): SubjectRules;
}

/** An authorizer and the resolver that lists its rules: what the apiserver's --authorization-mode sets up. */
export interface AuthorizationChain {
  authorizer: Authorizer;
  rules: RuleResolver;
}

const none = (): SubjectRules => ({ resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] });

/** AlwaysAllow: every verb on everything. */
export const alwaysAllowChain: AuthorizationChain = {
  authorizer: { authorize: () => ({ decision: 'Allow', reason: '' }) },
  rules: {
    rulesFor: () => ({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
      errors: [],
    }),
  },
};

/** RBAC's rules as bound to the user cluster-wide and in the namespace, split as Kubernetes splits them. */
export function rbacRuleResolver(rbac: RbacAuthorizer): RuleResolver {
  return {
    rulesFor(user, namespace) {
      const { rules, errors } = rbac.rulesFor({ user, namespace });
      const out = none();
      for (const r of rules) {
        if (r.resources?.length) {
          out.resourceRules.push({ verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...r.resources], ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}) });
        }
        if (r.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
      }
      out.errors = errors;
      return out;
    },
  };
}

/** The Node authorizer decides on a graph of objects, not on rules: a kubelet's list is marked incomplete. */
export const nodeRuleResolver: RuleResolver = {
  rulesFor(user) {
    if (nodeNameOf(user) === undefined) return none();
    return { ...none(), incomplete: true, errors: ['node authorizer does not support user rule resolution'] };
  },
};

/** Every resolver's rules together, incomplete if any is. */
export function unionRuleResolver(resolvers: readonly RuleResolver[]): RuleResolver {
  return {
    rulesFor(user, namespace) {
      const out = none();
      for (const r of resolvers) {
        const part = r.rulesFor(user, namespace);
        out.resourceRules.push(...part.resourceRules);
        out.nonResourceRules.push(...part.nonResourceRules);
        out.incomplete ||= part.incomplete;
        out.errors.push(...part.errors);
      }
      return out;
    },
  };
}
