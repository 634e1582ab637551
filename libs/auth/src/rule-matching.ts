import { rbacWildcard, type PolicyRule } from '@skiff/api';
import type { RequestAttributes } from './request-attributes';

const has = (list: readonly string[] | undefined, value: string) => (list ?? []).some((v) => v === rbacWildcard || v === value);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, group);
}

/**
 * `combined` is `pods` or `pods/log`. A rule matches with `*`, with the same combined name, or with `*\/log`
 * for any resource's `log` subresource. `pods` alone never covers `pods/log`.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === rbacWildcard || r === combined) return true;
    if (subresource && r === `${rbacWildcard}/${subresource}`) return true;
  }
  return false;
}

/** A rule without resourceNames covers every object; with them, only requests naming one of them. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** Exact paths, `*`, or a prefix ending in `*` (`/apis/*` covers `/apis/apps/v1`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === rbacWildcard || url === path) return true;
    if (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** Whether one rule allows the request (Kubernetes' RuleAllows). */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path ?? '');
  const subresource = attrs.subresource ?? '';
  const resource = attrs.resource ?? '';
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return apiGroupMatches(rule, attrs.apiGroup ?? '') && resourceMatches(rule, combined, subresource) && resourceNameMatches(rule, attrs.name ?? '');
}

export function rulesAllow(attrs: RequestAttributes, rules: readonly PolicyRule[] | undefined): boolean {
  return (rules ?? []).some((rule) => ruleAllows(attrs, rule));
}
