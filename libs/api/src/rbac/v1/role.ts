import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { List, Opt, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, required, type FieldError } from '../../validation/field-errors';
import { validateLabelSelector } from '../../validation/label-selector';
import { labelSelectorFromObject } from '../../selectors/label-selector';
import { PolicyRuleSchema, rbacGroupName, validatePolicyRule } from './policy-rule';

/** A namespaced set of rules; it grants nothing until a RoleBinding in the same namespace refers to it. */
export const RoleSchema = Struct({
  ...kindHeader(),
  rules: Opt(List(PolicyRuleSchema)),
});
export type Role = Static<typeof RoleSchema>;

/** Which ClusterRoles' rules an aggregated ClusterRole collects (the union of every selector's matches). */
export const AggregationRuleSchema = Struct({
  clusterRoleSelectors: Opt(List(LabelSelectorSchema)),
});
export type AggregationRule = Static<typeof AggregationRuleSchema>;

/** A cluster-wide set of rules, bound cluster-wide by a ClusterRoleBinding or in one namespace by a RoleBinding. */
export const ClusterRoleSchema = Struct({
  ...kindHeader(),
  rules: Opt(List(PolicyRuleSchema)),
  aggregationRule: Opt(AggregationRuleSchema),
});
export type ClusterRole = Static<typeof ClusterRoleSchema>;

function validateRules(rules: Role['rules'], namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, namespaced, FieldPath.root('rules').index(i)));
}

function validateAggregationRule(rule: AggregationRule | undefined): FieldError[] {
  if (!rule) return [];
  const p = FieldPath.root('aggregationRule', 'clusterRoleSelectors');
  const selectors = rule.clusterRoleSelectors ?? [];
  const errs: FieldError[] = [];
  if (selectors.length === 0) errs.push(required(p, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((selector, i) => {
    const found = validateLabelSelector(selector, p.index(i));
    errs.push(...found);
    if (found.length) return;
    try {
      labelSelectorFromObject(selector);
    } catch {
      errs.push(invalid(p.index(i), selector, 'invalid label selector.'));
    }
  });
  return errs;
}

export const roles = defineResource<Role>({
  group: rbacGroupName,
  version: 'v1',
  kind: 'Role',
  resource: 'roles',
  namespaced: true,
  schema: RoleSchema,
  nameRule: 'path-segment',
  validate: (role) => validateRules(role.rules, true),
});

export const clusterroles = defineResource<ClusterRole>({
  group: rbacGroupName,
  version: 'v1',
  kind: 'ClusterRole',
  resource: 'clusterroles',
  namespaced: false,
  schema: ClusterRoleSchema,
  nameRule: 'path-segment',
  validate: (role) => [...validateRules(role.rules, false), ...validateAggregationRule(role.aggregationRule)],
});
