import { PodTemplateSpecSchema } from '../../core/v1/pod';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Int, Int64, IntOrString, List, ListMap, Opt, Str, StrEnum, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { PersistentVolumeClaimTemplateSchema } from './persistent-volume-claim-template';
import { defaultStatefulSet } from './stateful-set-defaults';
import { validateStatefulSet, validateStatefulSetUpdate } from './stateful-set-validation';
import { scaleSubresource, statusSubresource } from './subresources';
import { WorkloadConditionSchema } from './workload-status';

export const podManagementPolicies = ['OrderedReady', 'Parallel'] as const;
export const statefulSetUpdateStrategyTypes = ['RollingUpdate', 'OnDelete'] as const;
export const claimRetentionPolicies = ['Retain', 'Delete'] as const;

export const RollingUpdateStatefulSetStrategySchema = Struct({
  /** Only pods with an ordinal at or above the partition are updated. */
  partition: Opt(Int()),
  maxUnavailable: Opt(IntOrString()),
});
export type RollingUpdateStatefulSetStrategy = Static<typeof RollingUpdateStatefulSetStrategySchema>;

export const StatefulSetUpdateStrategySchema = Struct({
  type: Opt(StrEnum([...statefulSetUpdateStrategyTypes])),
  rollingUpdate: Opt(RollingUpdateStatefulSetStrategySchema),
});
export type StatefulSetUpdateStrategy = Static<typeof StatefulSetUpdateStrategySchema>;

export const StatefulSetPersistentVolumeClaimRetentionPolicySchema = Struct({
  whenDeleted: Opt(StrEnum([...claimRetentionPolicies])),
  whenScaled: Opt(StrEnum([...claimRetentionPolicies])),
});
export type StatefulSetPersistentVolumeClaimRetentionPolicy = Static<typeof StatefulSetPersistentVolumeClaimRetentionPolicySchema>;

export const StatefulSetSpecSchema = Struct({
  replicas: Opt(Int()),
  selector: LabelSelectorSchema,
  template: PodTemplateSpecSchema,
  volumeClaimTemplates: Opt(List(PersistentVolumeClaimTemplateSchema)),
  serviceName: Opt(Str()),
  podManagementPolicy: Opt(StrEnum([...podManagementPolicies])),
  updateStrategy: Opt(StatefulSetUpdateStrategySchema),
  revisionHistoryLimit: Opt(Int()),
  minReadySeconds: Opt(Int()),
  persistentVolumeClaimRetentionPolicy: Opt(StatefulSetPersistentVolumeClaimRetentionPolicySchema),
  /** Pod ordinals start here instead of 0. */
  ordinals: Opt(Struct({ start: Opt(Int()) })),
});
export type StatefulSetSpec = Static<typeof StatefulSetSpecSchema>;

export const StatefulSetStatusSchema = Struct({
  observedGeneration: Opt(Int64()),
  replicas: Opt(Int()),
  readyReplicas: Opt(Int()),
  currentReplicas: Opt(Int()),
  updatedReplicas: Opt(Int()),
  currentRevision: Opt(Str()),
  updateRevision: Opt(Str()),
  collisionCount: Opt(Int()),
  conditions: Opt(ListMap(WorkloadConditionSchema, 'type')),
  availableReplicas: Opt(Int()),
});
export type StatefulSetStatus = Static<typeof StatefulSetStatusSchema>;

export const StatefulSetSchema = Struct({
  ...kindHeader(),
  spec: StatefulSetSpecSchema,
  status: Opt(StatefulSetStatusSchema),
});
export type StatefulSet = Static<typeof StatefulSetSchema>;

export const statefulsets = defineResource<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  schema: StatefulSetSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [statusSubresource, scaleSubresource],
  applyDefaults: defaultStatefulSet,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
});
