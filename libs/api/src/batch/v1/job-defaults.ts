import { defaultPodSpec } from '../../core/v1/pod-defaults';
import type { Job, JobSpec } from './job';

export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const legacyControllerUidLabel = 'controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyJobNameLabel = 'job-name';

const maxInt32 = 2147483647;

/**
 * Gives a Job whose selector the user did not manage a selector on its own uid, and labels its pod
 * template to match. Needs metadata.uid, so it runs once the server has assigned one.
 */
export function generateJobSelector(job: Job): void {
  const uid = job.metadata.uid;
  const spec = job.spec;
  if (!uid || !spec || spec.manualSelector === true) return;
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  // Labels the user already set are kept; a conflicting value is reported by validation.
  for (const key of [legacyJobNameLabel, jobNameLabel]) labels[key] ??= job.metadata.name ?? '';
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) labels[key] ??= uid;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  spec.selector.matchLabels[controllerUidLabel] ??= uid;
}

/** Defaults shared by Jobs and CronJob job templates' pods. */
export function defaultJobTemplatePod(spec: JobSpec): void {
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

/** batch/v1 Job defaults. */
export function defaultJob(job: Job): void {
  const spec = job.spec;
  if (!spec) return;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  // With a per-index limit the global one would only get in the way, so it becomes effectively unlimited.
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? maxInt32 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) pattern.status ??= 'True';
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  defaultJobTemplatePod(spec);
  generateJobSelector(job);
}
