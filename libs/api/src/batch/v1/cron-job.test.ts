import { schemaErrors } from '../../schema/schema-errors';
import { formatFieldError } from '../../validation/field-errors';
import { cronjobs, type CronJob } from './cron-job';

function cronJob(over: Partial<CronJob['spec']> = {}, name = 'backup'): CronJob {
  const cj: CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'busybox' }] } } } },
      ...over,
    },
  };
  cronjobs.applyDefaults!(cj);
  return cj;
}

describe('CronJob', () => {
  it('is served as cj in category all with status', () => {
    expect(cronjobs).toMatchObject({ shortNames: ['cj'], categories: ['all'], etcdPrefix: 'cronjobs', hasStatusSubresource: true });
  });

  it('defaults policies and history limits, and pod defaults in the job template only', () => {
    const { spec } = cronJob();
    expect(spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    expect(spec.jobTemplate.spec.backoffLimit).toBeUndefined();
    expect(cronjobs.validate!(cronJob())).toEqual([]);
  });

  it('requires a schedule and rejects one that is not cron', () => {
    expect(schemaErrors(cronjobs.schema, { metadata: { name: 'x' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } } }).map((e) => e.field)).toEqual([
      'spec.schedule',
    ]);
    expect(cronjobs.validate!(cronJob({ schedule: '' }))).toEqual([expect.objectContaining({ type: 'FieldValueRequired', field: 'spec.schedule' })]);
    expect(cronjobs.validate!(cronJob({ schedule: '0 25 * * *' })).map(formatFieldError)).toEqual([
      'spec.schedule: Invalid value: "0 25 * * *": end of range (25) above maximum (23): 25',
    ]);
    expect(cronjobs.validate!(cronJob({ schedule: 'every day' }))[0]).toMatchObject({ field: 'spec.schedule' });
    expect(cronjobs.validate!(cronJob({ schedule: '@hourly' }))).toEqual([]);
  });

  it('sends zones to timeZone instead of the schedule, and checks them', () => {
    expect(cronjobs.validate!(cronJob({ schedule: 'CRON_TZ=UTC 0 3 * * *' }))).toEqual([
      expect.objectContaining({ field: 'spec.schedule', detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead' }),
    ]);
    expect(cronjobs.validate!(cronJob({ timeZone: 'Europe/Paris' }))).toEqual([]);
    expect(cronjobs.validate!(cronJob({ timeZone: 'Mars/Olympus' }))).toEqual([expect.objectContaining({ field: 'spec.timeZone' })]);
    expect(cronjobs.validate!(cronJob({ timeZone: 'Local' }))).toEqual([expect.objectContaining({ field: 'spec.timeZone' })]);
  });

  it('limits the name so Job names stay labels', () => {
    expect(cronjobs.validate!(cronJob({}, 'a'.repeat(53)))).toEqual([expect.objectContaining({ field: 'metadata.name', detail: 'must be no more than 52 characters' })]);
  });

  it('validates the job template at spec.jobTemplate.spec and forbids a manual selector', () => {
    const cj = cronJob({ concurrencyPolicy: 'Forbid', startingDeadlineSeconds: -5 });
    cj.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
    cj.spec.jobTemplate.spec.manualSelector = true;
    expect(cronjobs.validate!(cj).map((e) => [e.field, e.type])).toEqual([
      ['spec.startingDeadlineSeconds', 'FieldValueInvalid'],
      ['spec.jobTemplate.spec.template.spec.restartPolicy', 'FieldValueNotSupported'],
      ['spec.jobTemplate.spec.manualSelector', 'FieldValueNotSupported'],
    ]);
    expect(schemaErrors(cronjobs.schema, cronJob({ concurrencyPolicy: 'Sometimes' as never })).map((e) => e.field)).toEqual(['spec.concurrencyPolicy']);
  });
});
