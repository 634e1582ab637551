import { FieldPath, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { validateAnnotations, validateLabels } from '../../validation/names';
import { validateNonNegative } from '../../apps/v1/numeric-validation';
import type { CronJob } from './cron-job';
import { cronScheduleProblem } from './cron-schedule';
import { validateJobSpec } from './job-validation';

/** Job names are `<cronjob>-<11 characters of schedule time>` and must stay a 63-character label. */
const maxCronJobNameLength = 52;

function timeZoneProblem(zone: string): string | undefined {
  if (zone.length === 0) return 'timeZone must be nil or non-empty string';
  if (zone.toLowerCase() === 'local') return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `unknown time zone ${zone}`;
  }
}

export function validateCronJob(cj: CronJob): FieldError[] {
  const errs: FieldError[] = [];
  const name = cj.metadata.name ?? '';
  if (name.length > maxCronJobNameLength) {
    errs.push(invalid(FieldPath.root('metadata', 'name'), name, `must be no more than ${maxCronJobNameLength} characters`));
  }
  const spec = cj.spec;
  const p = FieldPath.root('spec');
  if (!spec) return [...errs, required(p)];

  const sp = p.child('schedule');
  if (!spec.schedule) errs.push(required(sp));
  else {
    const problem = cronScheduleProblem(spec.schedule);
    if (problem) errs.push(invalid(sp, spec.schedule, problem));
    if (spec.schedule.includes('TZ')) errs.push(invalid(sp, spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  if (spec.timeZone !== undefined) {
    const problem = timeZoneProblem(spec.timeZone);
    if (problem) errs.push(invalid(p.child('timeZone'), spec.timeZone, problem));
  }
  errs.push(
    ...validateNonNegative(spec.startingDeadlineSeconds, p.child('startingDeadlineSeconds')),
    ...validateNonNegative(spec.successfulJobsHistoryLimit, p.child('successfulJobsHistoryLimit')),
    ...validateNonNegative(spec.failedJobsHistoryLimit, p.child('failedJobsHistoryLimit')),
  );

  const tp = p.child('jobTemplate');
  const template = spec.jobTemplate;
  if (!template) return [...errs, required(tp)];
  errs.push(
    ...validateLabels(template.metadata?.labels, tp.child('metadata', 'labels')),
    ...validateAnnotations(template.metadata?.annotations, tp.child('metadata', 'annotations')),
  );
  if (!template.spec) return [...errs, required(tp.child('spec'))];
  errs.push(...validateJobSpec(template.spec, tp.child('spec')));
  // Each Job made from the template gets its own generated selector; a manual one would select them all.
  if (template.spec.manualSelector === true) {
    errs.push(notSupported(tp.child('spec', 'manualSelector'), true, ['nil', 'false']));
  }
  return errs;
}
