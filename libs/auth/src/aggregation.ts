import { labelSelectorFromObject, type ClusterRole, type PolicyRule } from '@skiff/api';

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === (b ?? [])[i]);

function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return (
    sameList(a.verbs, b.verbs) &&
    sameList(a.apiGroups, b.apiGroups) &&
    sameList(a.resources, b.resources) &&
    sameList(a.resourceNames, b.resourceNames) &&
    sameList(a.nonResourceURLs, b.nonResourceURLs)
  );
}

/**
 * The rules an aggregated ClusterRole ends up with, as the clusterrole-aggregation controller writes them: the
 * rules of every other ClusterRole one of its selectors matches, in name order, each distinct rule once. Roles
 * matched that aggregate themselves contribute their aggregated rules, so `admin` gets `edit` gets `view`.
 * Returns undefined for a role without an aggregationRule, whose rules are its own.
 */
export function aggregatedRules(role: ClusterRole, clusterRoles: readonly ClusterRole[]): PolicyRule[] | undefined {
  return aggregate(role, clusterRoles, new Set());
}

function aggregate(role: ClusterRole, all: readonly ClusterRole[], visiting: Set<string>): PolicyRule[] | undefined {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  if (!role.aggregationRule) return undefined;
  const name = role.metadata.name ?? '';
  visiting.add(name);
  const matchers = (selectors ?? []).map((s) => labelSelectorFromObject(s));
  const sorted = [...all].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const rules: PolicyRule[] = [];
  for (const other of sorted) {
    const otherName = other.metadata.name ?? '';
    if (otherName === name || visiting.has(otherName)) continue;
    const labels = other.metadata.labels ?? {};
    if (!matchers.some((m) => m.matches(labels))) continue;
    const contributed = aggregate(other, all, visiting) ?? other.rules ?? [];
    for (const rule of contributed) if (!rules.some((r) => sameRule(r, rule))) rules.push(rule);
  }
  visiting.delete(name);
  return rules;
}

/** Every ClusterRole with its aggregated rules filled in; roles without an aggregationRule are returned as they are. */
export function withAggregatedRules(clusterRoles: readonly ClusterRole[]): ClusterRole[] {
  return clusterRoles.map((role) => {
    const rules = aggregatedRules(role, clusterRoles);
    return rules ? { ...role, rules } : role;
  });
}
