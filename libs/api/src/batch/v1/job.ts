import { PodTemplateSpecSchema } from '../../core/v1/pod';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Bool, Int, Int64, List, ListMap, ListSet, Opt, Str, StrEnum, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { defaultJob } from './job-defaults';
import { validateJob, validateJobUpdate } from './job-validation';

export const jobCompletionModes = ['NonIndexed', 'Indexed'] as const;
export const podReplacementPolicies = ['TerminatingOrFailed', 'Failed'] as const;
export const podFailurePolicyActions = ['FailJob', 'FailIndex', 'Ignore', 'Count'] as const;

export const PodFailurePolicyOnExitCodesRequirementSchema = Struct({
  containerName: Opt(Str()),
  operator: StrEnum(['In', 'NotIn']),
  values: ListSet(Int()),
});
export type PodFailurePolicyOnExitCodesRequirement = Static<typeof PodFailurePolicyOnExitCodesRequirementSchema>;

export const PodFailurePolicyOnPodConditionsPatternSchema = Struct({
  type: Str(),
  status: Opt(Str()),
});
export type PodFailurePolicyOnPodConditionsPattern = Static<typeof PodFailurePolicyOnPodConditionsPatternSchema>;

export const PodFailurePolicyRuleSchema = Struct({
  action: StrEnum([...podFailurePolicyActions]),
  onExitCodes: Opt(PodFailurePolicyOnExitCodesRequirementSchema),
  onPodConditions: Opt(List(PodFailurePolicyOnPodConditionsPatternSchema)),
});
export type PodFailurePolicyRule = Static<typeof PodFailurePolicyRuleSchema>;

export const PodFailurePolicySchema = Struct({ rules: List(PodFailurePolicyRuleSchema) });
export type PodFailurePolicy = Static<typeof PodFailurePolicySchema>;

export const SuccessPolicyRuleSchema = Struct({
  /** Indexes as intervals, `0-2,5,7-9`. */
  succeededIndexes: Opt(Str()),
  succeededCount: Opt(Int()),
});
export type SuccessPolicyRule = Static<typeof SuccessPolicyRuleSchema>;

export const SuccessPolicySchema = Struct({ rules: List(SuccessPolicyRuleSchema) });
export type SuccessPolicy = Static<typeof SuccessPolicySchema>;

export const JobSpecSchema = Struct({
  parallelism: Opt(Int()),
  completions: Opt(Int()),
  activeDeadlineSeconds: Opt(Int64()),
  podFailurePolicy: Opt(PodFailurePolicySchema),
  successPolicy: Opt(SuccessPolicySchema),
  backoffLimit: Opt(Int()),
  backoffLimitPerIndex: Opt(Int()),
  maxFailedIndexes: Opt(Int()),
  selector: Opt(LabelSelectorSchema),
  manualSelector: Opt(Bool()),
  template: PodTemplateSpecSchema,
  ttlSecondsAfterFinished: Opt(Int()),
  completionMode: Opt(StrEnum([...jobCompletionModes])),
  suspend: Opt(Bool()),
  podReplacementPolicy: Opt(StrEnum([...podReplacementPolicies])),
  managedBy: Opt(Str()),
});
export type JobSpec = Static<typeof JobSpecSchema>;

export const JobConditionSchema = Struct({
  type: Str(),
  status: Str(),
  lastProbeTime: Opt(Time()),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
});
export type JobCondition = Static<typeof JobConditionSchema>;

/** Finished pods whose finalizer the controller has removed but not yet counted in succeeded/failed. */
export const UncountedTerminatedPodsSchema = Struct({
  succeeded: Opt(ListSet(Str())),
  failed: Opt(ListSet(Str())),
});
export type UncountedTerminatedPods = Static<typeof UncountedTerminatedPodsSchema>;

export const JobStatusSchema = Struct({
  conditions: Opt(ListMap(JobConditionSchema, 'type')),
  startTime: Opt(Time()),
  completionTime: Opt(Time()),
  active: Opt(Int()),
  succeeded: Opt(Int()),
  failed: Opt(Int()),
  terminating: Opt(Int()),
  completedIndexes: Opt(Str()),
  failedIndexes: Opt(Str()),
  uncountedTerminatedPods: Opt(UncountedTerminatedPodsSchema),
  ready: Opt(Int()),
});
export type JobStatus = Static<typeof JobStatusSchema>;

export const JobSchema = Struct({
  ...kindHeader(),
  spec: JobSpecSchema,
  status: Opt(JobStatusSchema),
});
export type Job = Static<typeof JobSchema>;

export const jobs = defineResource<Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  resource: 'jobs',
  categories: ['all'],
  namespaced: true,
  schema: JobSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  applyDefaults: defaultJob,
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  selectableFields: (job) => ({ 'status.successful': String(job.status?.succeeded ?? 0) }),
});
