import { PodTemplateSpecSchema } from '../../core/v1/pod';
import { defaultPodSpec } from '../../core/v1/pod-defaults';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Int, Int64, ListMap, Opt, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, required, type FieldError } from '../../validation/field-errors';
import { validateImmutableField } from './immutable-field';
import { validateNonNegative } from './numeric-validation';
import { validateControllerSelector, validateLongRunningPodTemplate } from './pod-template-validation';
import { scaleSubresource, statusSubresource } from './subresources';
import { WorkloadConditionSchema } from './workload-status';

export const ReplicaSetSpecSchema = Struct({
  replicas: Opt(Int()),
  minReadySeconds: Opt(Int()),
  selector: LabelSelectorSchema,
  template: PodTemplateSpecSchema,
});
export type ReplicaSetSpec = Static<typeof ReplicaSetSpecSchema>;

export const ReplicaSetStatusSchema = Struct({
  replicas: Opt(Int()),
  fullyLabeledReplicas: Opt(Int()),
  readyReplicas: Opt(Int()),
  availableReplicas: Opt(Int()),
  terminatingReplicas: Opt(Int()),
  observedGeneration: Opt(Int64()),
  conditions: Opt(ListMap(WorkloadConditionSchema, 'type')),
});
export type ReplicaSetStatus = Static<typeof ReplicaSetStatusSchema>;

export const ReplicaSetSchema = Struct({
  ...kindHeader(),
  spec: ReplicaSetSpecSchema,
  status: Opt(ReplicaSetStatusSchema),
});
export type ReplicaSet = Static<typeof ReplicaSetSchema>;

export function defaultReplicaSet(rs: ReplicaSet): void {
  if (!rs.spec) return;
  rs.spec.replicas ??= 1;
  if (rs.spec.template?.spec) defaultPodSpec(rs.spec.template.spec);
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec;
  const p = FieldPath.root('spec');
  if (!spec) return [required(p)];
  return [
    ...validateNonNegative(spec.replicas, p.child('replicas')),
    ...validateNonNegative(spec.minReadySeconds, p.child('minReadySeconds')),
    // Kubernetes' message names deployments here too.
    ...validateControllerSelector(spec.selector, p.child('selector'), 'deployment'),
    ...validateLongRunningPodTemplate(spec.template, spec.selector, p.child('template'), 'ReplicaSet'),
  ];
}

export const replicasets = defineResource<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  schema: ReplicaSetSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [statusSubresource, scaleSubresource],
  applyDefaults: defaultReplicaSet,
  validate: validateReplicaSet,
  validateUpdate: (rs, old) => validateImmutableField(rs.spec?.selector, old.spec?.selector, FieldPath.root('spec', 'selector')),
  // Kubernetes lets clients select ReplicaSets by their observed replica count.
  selectableFields: (rs) => ({ 'status.replicas': String(rs.status?.replicas ?? 0) }),
});
