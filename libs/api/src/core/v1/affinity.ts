import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Int, Int64, List, Opt, Str, StrEnum, Struct, type Static } from '../../schema/builders';

/** Scheduling constraints of a pod: affinity, tolerations, topology spread. */

export const NodeSelectorRequirementSchema = Struct({
  key: Str(),
  operator: StrEnum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: Opt(List(Str())),
});
export type NodeSelectorRequirement = Static<typeof NodeSelectorRequirementSchema>;

export const NodeSelectorTermSchema = Struct({
  matchExpressions: Opt(List(NodeSelectorRequirementSchema)),
  matchFields: Opt(List(NodeSelectorRequirementSchema)),
});
export type NodeSelectorTerm = Static<typeof NodeSelectorTermSchema>;

export const NodeSelectorSchema = Struct({ nodeSelectorTerms: List(NodeSelectorTermSchema) });
export type NodeSelector = Static<typeof NodeSelectorSchema>;

export const NodeAffinitySchema = Struct({
  requiredDuringSchedulingIgnoredDuringExecution: Opt(NodeSelectorSchema),
  preferredDuringSchedulingIgnoredDuringExecution: Opt(List(Struct({ weight: Int(), preference: NodeSelectorTermSchema }))),
});

export const PodAffinityTermSchema = Struct({
  labelSelector: Opt(LabelSelectorSchema),
  namespaces: Opt(List(Str())),
  topologyKey: Str(),
  namespaceSelector: Opt(LabelSelectorSchema),
  matchLabelKeys: Opt(List(Str())),
  mismatchLabelKeys: Opt(List(Str())),
});
export type PodAffinityTerm = Static<typeof PodAffinityTermSchema>;

export const WeightedPodAffinityTermSchema = Struct({ weight: Int(), podAffinityTerm: PodAffinityTermSchema });
export type WeightedPodAffinityTerm = Static<typeof WeightedPodAffinityTermSchema>;

/** PodAffinity and PodAntiAffinity share one shape. */
export const PodAffinitySchema = Struct({
  requiredDuringSchedulingIgnoredDuringExecution: Opt(List(PodAffinityTermSchema)),
  preferredDuringSchedulingIgnoredDuringExecution: Opt(List(WeightedPodAffinityTermSchema)),
});

export const AffinitySchema = Struct({
  nodeAffinity: Opt(NodeAffinitySchema),
  podAffinity: Opt(PodAffinitySchema),
  podAntiAffinity: Opt(PodAffinitySchema),
});
export type Affinity = Static<typeof AffinitySchema>;

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const TolerationSchema = Struct({
  key: Opt(Str()),
  operator: Opt(StrEnum(['Exists', 'Equal'])),
  value: Opt(Str()),
  effect: Opt(StrEnum([...taintEffects])),
  tolerationSeconds: Opt(Int64()),
});
export type Toleration = Static<typeof TolerationSchema>;

export const TopologySpreadConstraintSchema = Struct({
  maxSkew: Int(),
  topologyKey: Str(),
  whenUnsatisfiable: StrEnum(['DoNotSchedule', 'ScheduleAnyway']),
  labelSelector: Opt(LabelSelectorSchema),
  minDomains: Opt(Int()),
  nodeAffinityPolicy: Opt(StrEnum(['Honor', 'Ignore'])),
  nodeTaintsPolicy: Opt(StrEnum(['Honor', 'Ignore'])),
  matchLabelKeys: Opt(List(Str())),
});
export type TopologySpreadConstraint = Static<typeof TopologySpreadConstraintSchema>;

