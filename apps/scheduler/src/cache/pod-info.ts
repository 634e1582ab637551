import {
  labelSelectorFromObject,
  labelSelectorFromRequirements,
  newLabelRequirement,
  nothingLabelSelector,
  type LabelRequirement,
  type LabelSelectorMatcher,
  type Pod,
  type PodAffinityTerm,
  type Toleration,
  type WeightedPodAffinityTerm,
} from '@skiff/api';
import { nonZeroRequests, podRequests, type Resource } from './resource';

/** A pod affinity term with its selectors parsed once. */
export interface AffinityTerm {
  /** Namespaces named by the term (or the pod's own when it names none and has no namespaceSelector). */
  namespaces: ReadonlySet<string>;
  /** Selects further namespaces by their labels; the nothing selector when the term has none. */
  namespaceSelector: LabelSelectorMatcher;
  selector: LabelSelectorMatcher;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** Everything about a pod the plugins ask about, computed once per pod version instead of once per node. */
export class PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly priority: number;
  readonly requests: Resource;
  readonly nonZeroCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: HostPort[];
  readonly tolerations: Toleration[];
  readonly requiredAffinityTerms: AffinityTerm[];
  readonly requiredAntiAffinityTerms: AffinityTerm[];
  readonly preferredAffinityTerms: WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[];
  /** Set when a selector in the pod's affinity could not be parsed; such a pod cannot be scheduled. */
  readonly parseError?: string;

  constructor(readonly pod: Pod) {
    const meta = pod.metadata;
    this.namespace = meta.namespace ?? '';
    this.name = meta.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = meta.uid ?? '';
    this.labels = meta.labels ?? {};
    this.priority = pod.spec.priority ?? 0;
    this.requests = podRequests(pod);
    const nonZero = nonZeroRequests(pod);
    this.nonZeroCPU = nonZero.milliCPU;
    this.nonZeroMemory = nonZero.memory;
    this.hostPorts = hostPortsOf(pod);
    this.tolerations = pod.spec.tolerations ?? [];
    const affinity = pod.spec.affinity;
    const errors: string[] = [];
    const parse = (terms: PodAffinityTerm[] | undefined) => (terms ?? []).map((t) => affinityTerm(pod, t, errors));
    const parseWeighted = (terms: WeightedPodAffinityTerm[] | undefined) =>
      (terms ?? []).map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm, errors), weight: t.weight }));
    this.requiredAffinityTerms = parse(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.requiredAntiAffinityTerms = parse(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.preferredAffinityTerms = parseWeighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.preferredAntiAffinityTerms = parseWeighted(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    if (errors.length) this.parseError = errors.join('; ');
  }

  get nodeName(): string {
    return this.pod.spec.nodeName ?? '';
  }

  get terminating(): boolean {
    return !!this.pod.metadata.deletionTimestamp;
  }

  /** Any pod (anti-)affinity at all: such pods are indexed per node for the InterPodAffinity plugin. */
  get hasAffinity(): boolean {
    return (
      this.requiredAffinityTerms.length > 0 ||
      this.requiredAntiAffinityTerms.length > 0 ||
      this.preferredAffinityTerms.length > 0 ||
      this.preferredAntiAffinityTerms.length > 0
    );
  }
}

/** Whether `pod` falls under a term: in one of its namespaces and selected by its label selector. */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: (namespace: string) => Readonly<Record<string, string>> | undefined): boolean {
  if (!term.namespaces.has(pod.namespace)) {
    // The common case, no namespaceSelector, needs no namespace lookup.
    if (term.namespaceSelector === nothingLabelSelector()) return false;
    if (!term.namespaceSelector.matches(namespaceLabels(pod.namespace) ?? {})) return false;
  }
  return term.selector.matches(pod.labels);
}

function affinityTerm(pod: Pod, term: PodAffinityTerm, errors: string[]): AffinityTerm {
  const ownNamespace = pod.metadata.namespace ?? '';
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(ownNamespace);
  let selector: LabelSelectorMatcher = nothingLabelSelector();
  let namespaceSelector: LabelSelectorMatcher = nothingLabelSelector();
  try {
    selector = withLabelKeys(labelSelectorFromObject(term.labelSelector), pod, term.matchLabelKeys, term.mismatchLabelKeys, !!term.labelSelector);
    namespaceSelector = labelSelectorFromObject(term.namespaceSelector);
  } catch (err) {
    errors.push((err as Error).message);
  }
  return { namespaces, namespaceSelector, selector, topologyKey: term.topologyKey };
}

/**
 * matchLabelKeys / mismatchLabelKeys narrow a term to pods sharing (or not sharing) the incoming pod's value of
 * those labels, as if `key in (value)` / `key notin (value)` were written in the selector.
 */
export function withLabelKeys(
  selector: LabelSelectorMatcher,
  pod: Pod,
  matchKeys: readonly string[] | undefined,
  mismatchKeys: readonly string[] | undefined,
  hasSelector: boolean,
): LabelSelectorMatcher {
  if (!hasSelector || (!matchKeys?.length && !mismatchKeys?.length)) return selector;
  const labels = pod.metadata.labels ?? {};
  const extra: LabelRequirement[] = [];
  for (const key of matchKeys ?? []) if (key in labels) extra.push(newLabelRequirement(key, 'in', [labels[key]]));
  for (const key of mismatchKeys ?? []) if (key in labels) extra.push(newLabelRequirement(key, 'notin', [labels[key]]));
  return extra.length ? labelSelectorFromRequirements([...selector.requirements, ...extra]) : selector;
}

function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const containers = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}
