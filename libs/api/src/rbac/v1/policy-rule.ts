import { List, Opt, Str, Struct, type Static } from '../../schema/builders';
import { invalid, required, type FieldError, type FieldPath } from '../../validation/field-errors';

export const rbacGroupName = 'rbac.authorization.k8s.io';

/** Matches every verb, API group, resource or non-resource URL in a rule. */
export const rbacWildcard = '*';

/**
 * What a rule allows: verbs on resources of some API groups (optionally only the named objects), or verbs on
 * non-resource URLs such as /healthz. Resources may name a subresource (`pods/log`) or any resource's subresource
 * (`*\/scale`); non-resource URLs may end in `*` to cover everything under a prefix.
 */
export const PolicyRuleSchema = Struct({
  verbs: List(Str()),
  apiGroups: Opt(List(Str())),
  resources: Opt(List(Str())),
  resourceNames: Opt(List(Str())),
  nonResourceURLs: Opt(List(Str())),
});
export type PolicyRule = Static<typeof PolicyRuleSchema>;

/**
 * ValidatePolicyRule: verbs always; a resource rule needs API groups and resources; a non-resource rule may not
 * also name resources and only exists in cluster-wide roles (`namespaced` is true for a Role).
 */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // A missing verbs list is already reported by the schema.
  if (Array.isArray(rule.verbs) && rule.verbs.length === 0) errs.push(required(p.child('verbs'), 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(p.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length || (rule.resources ?? []).length || (rule.resourceNames ?? []).length) {
      errs.push(invalid(p.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!(rule.apiGroups ?? []).length) errs.push(required(p.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (!(rule.resources ?? []).length) errs.push(required(p.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}
