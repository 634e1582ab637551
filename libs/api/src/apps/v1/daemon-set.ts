import { PodTemplateSpecSchema } from '../../core/v1/pod';
import { defaultPodSpec } from '../../core/v1/pod-defaults';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Int, Int64, IntOrString, ListMap, Opt, StrEnum, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { validateDaemonSet, validateDaemonSetUpdate } from './daemon-set-validation';
import { statusSubresource } from './subresources';
import { WorkloadConditionSchema } from './workload-status';

export const daemonSetUpdateStrategyTypes = ['RollingUpdate', 'OnDelete'] as const;

export const RollingUpdateDaemonSetSchema = Struct({
  maxUnavailable: Opt(IntOrString()),
  maxSurge: Opt(IntOrString()),
});
export type RollingUpdateDaemonSet = Static<typeof RollingUpdateDaemonSetSchema>;

export const DaemonSetUpdateStrategySchema = Struct({
  type: Opt(StrEnum([...daemonSetUpdateStrategyTypes])),
  rollingUpdate: Opt(RollingUpdateDaemonSetSchema),
});
export type DaemonSetUpdateStrategy = Static<typeof DaemonSetUpdateStrategySchema>;

export const DaemonSetSpecSchema = Struct({
  selector: LabelSelectorSchema,
  template: PodTemplateSpecSchema,
  updateStrategy: Opt(DaemonSetUpdateStrategySchema),
  minReadySeconds: Opt(Int()),
  revisionHistoryLimit: Opt(Int()),
});
export type DaemonSetSpec = Static<typeof DaemonSetSpecSchema>;

export const DaemonSetStatusSchema = Struct({
  currentNumberScheduled: Opt(Int()),
  numberMisscheduled: Opt(Int()),
  desiredNumberScheduled: Opt(Int()),
  numberReady: Opt(Int()),
  observedGeneration: Opt(Int64()),
  updatedNumberScheduled: Opt(Int()),
  numberAvailable: Opt(Int()),
  numberUnavailable: Opt(Int()),
  collisionCount: Opt(Int()),
  conditions: Opt(ListMap(WorkloadConditionSchema, 'type')),
});
export type DaemonSetStatus = Static<typeof DaemonSetStatusSchema>;

export const DaemonSetSchema = Struct({
  ...kindHeader(),
  spec: DaemonSetSpecSchema,
  status: Opt(DaemonSetStatusSchema),
});
export type DaemonSet = Static<typeof DaemonSetSchema>;

/** apps/v1 DaemonSet defaults: roll one node at a time, without surge. */
export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = ds.spec;
  if (!spec) return;
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

export const daemonsets = defineResource<DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  resource: 'daemonsets',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  schema: DaemonSetSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [statusSubresource],
  applyDefaults: defaultDaemonSet,
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
});
