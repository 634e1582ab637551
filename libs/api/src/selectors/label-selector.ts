import type { LabelSelector } from '../meta/label-selector-schema';
import {
  labelRequirementMatches,
  labelRequirementToString,
  newLabelRequirement,
  uncheckedLabelRequirement,
  type LabelRequirement,
  type LabelSelectorOperator,
} from './label-requirement';
import { SelectorParseError } from './selector-errors';

/** A parsed label selector (Kubernetes' labels.Selector): an AND of requirements, or one that selects nothing. */
export interface LabelSelectorMatcher {
  /** The requirements, sorted by key; empty for both the everything and the nothing selector. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True when the selector does not restrict anything (the nothing selector is not empty). */
  isEmpty(): boolean;
  /** The canonical query-string form, as sent in `?labelSelector=`. */
  toString(): string;
  /** The value a single `key=v`, `key==v` or `key in (v)` requirement pins the key to, if any. */
  requiresExactMatch(key: string): string | undefined;
}

class RequirementsSelector implements LabelSelectorMatcher {
  readonly requirements: readonly LabelRequirement[];

  constructor(requirements: readonly LabelRequirement[]) {
    // Sorted by key so that equal selectors print the same, as Kubernetes' ByKey sort does.
    this.requirements = Object.freeze([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
    Object.freeze(this);
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    const set = labels ?? {};
    return this.requirements.every((r) => labelRequirementMatches(r, set));
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map(labelRequirementToString).join(',');
  }

  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((candidate) => candidate.key === key);
    if (!r || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }
}

class NothingSelector implements LabelSelectorMatcher {
  readonly requirements: readonly LabelRequirement[] = Object.freeze([]);
  matches(): boolean {
    return false;
  }
  isEmpty(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
  requiresExactMatch(): string | undefined {
    return undefined;
  }
}

const everything: LabelSelectorMatcher = new RequirementsSelector([]);
const nothing: LabelSelectorMatcher = Object.freeze(new NothingSelector());

/** labels.Everything(): matches every object, including one with no labels. */
export function everythingLabelSelector(): LabelSelectorMatcher {
  return everything;
}

/** labels.Nothing(): matches no object at all. */
export function nothingLabelSelector(): LabelSelectorMatcher {
  return nothing;
}

/** An AND of requirements (build them with newLabelRequirement). */
export function labelSelectorFromRequirements(requirements: readonly LabelRequirement[]): LabelSelectorMatcher {
  return requirements.length === 0 ? everything : new RequirementsSelector(requirements);
}

/** labels.SelectorFromSet: `k=v` for every label; an empty or missing map selects everything. Not validated. */
export function selectorFromSet(labels: Readonly<Record<string, string>> | undefined | null): LabelSelectorMatcher {
  const entries = Object.entries(labels ?? {});
  return labelSelectorFromRequirements(entries.map(([key, value]) => uncheckedLabelRequirement(key, '=', [value])));
}

const objectOperators: Readonly<Record<string, LabelSelectorOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything. Throws
 * SelectorParseError for an unknown operator or an invalid key or value.
 */
export function labelSelectorFromObject(selector: LabelSelector | undefined | null): LabelSelectorMatcher {
  if (selector === undefined || selector === null) return nothing;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push(newLabelRequirement(key, '=', [value]));
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operator = Object.hasOwn(objectOperators, expression.operator) ? objectOperators[expression.operator] : undefined;
    if (operator === undefined) {
      throw new SelectorParseError(expression.operator, `${JSON.stringify(expression.operator)} is not a valid label selector operator`);
    }
    requirements.push(newLabelRequirement(expression.key, operator, expression.values ?? []));
  }
  return labelSelectorFromRequirements(requirements);
}
