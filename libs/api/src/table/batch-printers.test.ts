import type { CronJob } from '../batch/v1/cron-job';
import type { Job } from '../batch/v1/job';
import { cronJobPrinter, jobPrinter } from './batch-printers';
import { ago, now } from './test-fixtures';

const meta = { name: 'backup', namespace: 'default', creationTimestamp: ago(600) };
const template = { spec: { containers: [{ name: 'dump', image: 'pgdump' }], restartPolicy: 'Never' } };

function job(spec: Partial<Job['spec']>, status: Job['status'] = {}, deleting = false): Job {
  return {
    metadata: { ...meta, ...(deleting && { deletionTimestamp: ago(1) }) },
    spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, ...spec },
    status,
  };
}

const cond = (type: string, status = 'True') => ({ type, status });

describe('jobPrinter', () => {
  it('has the real column set', () => {
    expect(jobPrinter.columns.map((c) => (c.priority ? `*${c.name}` : c.name))).toEqual([
      'Name', 'Status', 'Completions', 'Duration', 'Age', '*Containers', '*Images', '*Selector',
    ]);
  });

  it('a finished job shows Complete, its completions and how long it ran', () => {
    const j = job({ completions: 3 }, { succeeded: 3, startTime: ago(500), completionTime: ago(440), conditions: [cond('Complete')] });
    expect(jobPrinter.cells(j, now)).toEqual(['backup', 'Complete', '3/3', '60s', '10m', 'dump', 'pgdump', 'batch.kubernetes.io/controller-uid=u1']);
  });

  it('a running job measures its duration up to now', () => {
    const j = job({ completions: 1 }, { active: 1, startTime: ago(200) });
    expect(jobPrinter.cells(j, now).slice(1, 4)).toEqual(['Running', '0/1', '3m20s']);
  });

  it('a job that has not started has no duration', () => {
    expect(jobPrinter.cells(job({ completions: 1 }), now)[3]).toBe('');
  });

  it('without completions it counts towards one, noting parallelism above one', () => {
    expect(jobPrinter.cells(job({ parallelism: 1 }, { succeeded: 1 }), now)[2]).toBe('1/1');
    expect(jobPrinter.cells(job({ parallelism: 4 }), now)[2]).toBe('0/1 of 4');
  });

  it.each([
    [[cond('Failed')], false, 'Failed'],
    [[cond('Suspended')], false, 'Suspended'],
    [[cond('FailureTarget')], false, 'FailureTarget'],
    [[cond('Suspended')], true, 'Terminating'],
    [[cond('Complete', 'False')], false, 'Running'],
  ])('conditions %j (deleting %s) read %s', (conditions, deleting, text) => {
    expect(jobPrinter.cells(job({ completions: 1 }, { conditions }, deleting), now)[1]).toBe(text);
  });
});

describe('cronJobPrinter', () => {
  const cj: CronJob = {
    metadata: meta,
    spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
    status: { active: [{ name: 'backup-1' }], lastScheduleTime: ago(90) },
  };

  it('has the real column set', () => {
    expect(cronJobPrinter.columns.map((c) => (c.priority ? `*${c.name}` : c.name))).toEqual([
      'Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', '*Containers', '*Images', '*Selector',
    ]);
  });

  it('shows schedule, suspension, active jobs and the last schedule', () => {
    expect(cronJobPrinter.cells(cj, now)).toEqual(['backup', '*/5 * * * *', '<none>', 'False', 1, '90s', '10m', 'dump', 'pgdump', '<none>']);
  });

  it('shows the time zone, <unset> suspension and <none> before the first run', () => {
    const fresh: CronJob = { metadata: meta, spec: { schedule: '0 3 * * *', timeZone: 'Europe/Berlin', jobTemplate: { spec: { template } } } };
    expect(cronJobPrinter.cells(fresh, now).slice(1, 6)).toEqual(['0 3 * * *', 'Europe/Berlin', '<unset>', 0, '<none>']);
  });
});
