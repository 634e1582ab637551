import {
  labelSelectorFromRequirements,
  newLabelRequirement,
  selectorFromSet,
  type LabelSelectorMatcher,
  type LabelSelectorOperator,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  type Pod,
} from '@skiff/api';
import type { NodeInfo } from '../cache/node-info';

const operators: Record<NodeSelectorRequirement['operator'], LabelSelectorOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

/** One node selector term, parsed: its label expressions and its metadata.name field expressions. */
export class NodeSelectorTermMatcher {
  private readonly labels?: LabelSelectorMatcher;
  private readonly names: { operator: 'In' | 'NotIn'; values: ReadonlySet<string> }[] = [];
  /** A term that is empty or has an invalid expression matches no node, as in Kubernetes. */
  private readonly matchesNothing: boolean;

  constructor(term: NodeSelectorTerm) {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    let bad = expressions.length === 0 && fields.length === 0;
    try {
      if (expressions.length) this.labels = labelSelectorFromRequirements(expressions.map((e) => newLabelRequirement(e.key, operators[e.operator], e.values ?? [])));
    } catch {
      bad = true;
    }
    for (const f of fields) {
      if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn') || (f.values ?? []).length === 0) bad = true;
      else this.names.push({ operator: f.operator, values: new Set(f.values) });
    }
    this.matchesNothing = bad;
  }

  matches(node: NodeInfo): boolean {
    if (this.matchesNothing) return false;
    if (this.labels && !this.labels.matches(node.labels)) return false;
    for (const n of this.names) if (n.values.has(node.name) !== (n.operator === 'In')) return false;
    return true;
  }

  /** Node names a `metadata.name In (...)` field pins the term to, if it has one. */
  pinnedNames(): ReadonlySet<string> | undefined {
    return this.matchesNothing ? new Set() : this.names.find((n) => n.operator === 'In')?.values;
  }
}

/** A pod's nodeSelector AND its required node affinity (terms ORed), as nodeaffinity.GetRequiredNodeAffinity. */
export class RequiredNodeAffinity {
  private readonly selector?: LabelSelectorMatcher;
  readonly terms?: NodeSelectorTermMatcher[];

  constructor(pod: Pod) {
    const nodeSelector = pod.spec.nodeSelector;
    if (nodeSelector && Object.keys(nodeSelector).length) this.selector = selectorFromSet(nodeSelector);
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) this.terms = required.nodeSelectorTerms.map((t) => new NodeSelectorTermMatcher(t));
  }

  /** True when the pod constrains nodes at all. */
  get isEmpty(): boolean {
    return !this.selector && !this.terms;
  }

  matches(node: NodeInfo): boolean {
    if (this.selector && !this.selector.matches(node.labels)) return false;
    if (this.terms && !this.terms.some((t) => t.matches(node))) return false;
    return true;
  }
}
