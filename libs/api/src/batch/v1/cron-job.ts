import { ObjectMetaSchema } from '../../meta/object-meta';
import { Bool, Int, Int64, List, Opt, Str, StrEnum, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { ObjectReferenceSchema } from '../../core/v1/object-reference';
import { validateCronJob } from './cron-job-validation';
import { defaultJobTemplatePod } from './job-defaults';
import { JobSpecSchema } from './job';

export const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'] as const;

export const JobTemplateSpecSchema = Struct({
  metadata: Opt(ObjectMetaSchema),
  spec: JobSpecSchema,
});
export type JobTemplateSpec = Static<typeof JobTemplateSpecSchema>;

export const CronJobSpecSchema = Struct({
  schedule: Str(),
  /** IANA zone the schedule is read in; the controller's zone when unset. */
  timeZone: Opt(Str()),
  startingDeadlineSeconds: Opt(Int64()),
  concurrencyPolicy: Opt(StrEnum([...concurrencyPolicies])),
  suspend: Opt(Bool()),
  jobTemplate: JobTemplateSpecSchema,
  successfulJobsHistoryLimit: Opt(Int()),
  failedJobsHistoryLimit: Opt(Int()),
});
export type CronJobSpec = Static<typeof CronJobSpecSchema>;

export const CronJobStatusSchema = Struct({
  active: Opt(List(ObjectReferenceSchema)),
  lastScheduleTime: Opt(Time()),
  lastSuccessfulTime: Opt(Time()),
});
export type CronJobStatus = Static<typeof CronJobStatusSchema>;

export const CronJobSchema = Struct({
  ...kindHeader(),
  spec: CronJobSpecSchema,
  status: Opt(CronJobStatusSchema),
});
export type CronJob = Static<typeof CronJobSchema>;

/** batch/v1 CronJob defaults. The job template gets pod defaults only; Job defaults apply to each Job made from it. */
export function defaultCronJob(cj: CronJob): void {
  const spec = cj.spec;
  if (!spec) return;
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  if (spec.jobTemplate?.spec) defaultJobTemplatePod(spec.jobTemplate.spec);
}

export const cronjobs = defineResource<CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  resource: 'cronjobs',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  schema: CronJobSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  applyDefaults: defaultCronJob,
  validate: validateCronJob,
});
