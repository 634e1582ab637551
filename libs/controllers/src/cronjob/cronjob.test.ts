import { cronjobs, jobs, type CronJob, type Job } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { CronJobController } from './cronjob-controller';

const minutes = (iso: string) => Math.floor(Date.parse(iso) / 60_000);

function cronJob(spec: Partial<CronJob['spec']> = {}, status?: CronJob['status'], created = '2024-05-01T10:00:00Z'): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'ops', uid: 'uid-report', creationTimestamp: created },
    spec: {
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'report' } }, spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
    status,
  };
}

const ownerRef = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'uid-report', controller: true, blockOwnerDeletion: true };
function ownedJob(name: string, finished?: 'Complete' | 'Failed', startTime = '2024-05-01T09:00:00Z'): Job {
  const done = finished ? { conditions: [{ type: finished, status: 'True' }], completionTime: finished === 'Complete' ? '2024-05-01T09:59:00Z' : undefined } : {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ops', uid: `uid-${name}`, ownerReferences: [ownerRef], creationTimestamp: startTime },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    status: { startTime, ...done },
  };
}

describe('cronjob', () => {
  let kit: ControllerTestKit;
  let controller: CronJobController;

  async function begin(cj: CronJob, ...owned: Job[]): Promise<void> {
    kit.seed(cronjobs, cj).seed(jobs, ...owned);
    const ctx: ControllerContext = { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions };
    controller = new CronJobController(ctx);
    await kit.start();
    controller.run(1);
    await kit.settle();
  }
  const stored = () => kit.client.tracker.get(cronjobs, 'ops', 'report') as CronJob;
  const jobNames = () => (kit.client.tracker.list(jobs, 'ops') as Job[]).map((j) => j.metadata.name).sort();

  beforeEach(() => {
    kit = new ControllerTestKit({ now: '2024-05-01T10:00:00Z' });
  });
  afterEach(async () => {
    await controller.stop();
    kit.stop();
  });

  it('creates a Job named after its scheduled minute when the schedule comes round, by the clock alone', async () => {
    await begin(cronJob());
    expect(kit.writes()).toEqual([]);
    await kit.clock.advance(4 * 60_000 + 59_000);
    expect(jobNames()).toEqual([]);
    await kit.clock.advance(2_000);
    await kit.settle();
    const name = `report-${minutes('2024-05-01T10:05:00Z')}`;
    expect(jobNames()).toEqual([name]);
    const job = kit.client.tracker.get(jobs, 'ops', name) as Job;
    expect(job.metadata).toMatchObject({ labels: { app: 'report' }, annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-05-01T10:05:00Z' }, ownerReferences: [ownerRef] });
    expect(job.spec.template.spec!.restartPolicy).toBe('OnFailure');
    expect(stored().status).toMatchObject({ lastScheduleTime: '2024-05-01T10:05:00Z', active: [{ kind: 'Job', name, namespace: 'ops' }] });
    expect(await kit.events()).toContainEqual(expect.objectContaining({ reason: 'SuccessfulCreate', message: `Created job ${name}`, object: 'CronJob/report' }));
    await kit.clock.advance(5 * 60_000);
    await kit.settle();
    expect(jobNames()).toHaveLength(2);
  });

  it('Forbid skips a run while one is active; Replace deletes it and starts anew', async () => {
    await begin(cronJob({ concurrencyPolicy: 'Forbid' }), ownedJob('report-old'));
    await kit.clock.advance(5 * 60_000 + 1_000);
    await kit.settle();
    expect(jobNames()).toEqual(['report-old']);
    expect(await kit.events()).toContainEqual(expect.objectContaining({ reason: 'JobAlreadyActive' }));
    await kit.client.patch(cronjobs, 'ops', 'report', 'merge', { spec: { concurrencyPolicy: 'Replace' } });
    await kit.settle();
    expect(jobNames()).toEqual([`report-${minutes('2024-05-01T10:05:00Z')}`]);
    expect(kit.writeActions().find((a) => a.verb === 'delete')).toMatchObject({ resource: 'jobs', name: 'report-old', deleteOptions: { propagationPolicy: 'Background' } });
  });

  it('does nothing while suspended', async () => {
    await begin(cronJob({ suspend: true }));
    await kit.clock.advance(30 * 60_000);
    expect(kit.writes()).toEqual([]);
  });

  it('starts the most recent missed run after downtime, unless it is older than startingDeadlineSeconds', async () => {
    const status = { lastScheduleTime: '2024-05-01T08:00:00Z' };
    await begin(cronJob({ schedule: '30 * * * *', startingDeadlineSeconds: 600 }, status, '2024-05-01T07:00:00Z'));
    expect(jobNames()).toEqual([]);
    await kit.client.patch(cronjobs, 'ops', 'report', 'merge', { spec: { startingDeadlineSeconds: null } });
    await kit.settle();
    expect(jobNames()).toEqual([`report-${minutes('2024-05-01T09:30:00Z')}`]);
    expect(stored().status!.lastScheduleTime).toBe('2024-05-01T09:30:00Z');
  });

  it('moves a finished Job out of active, records lastSuccessfulTime, and keeps only the history limits', async () => {
    const running = ownedJob('report-run');
    await begin(
      cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, { active: [{ kind: 'Job', name: 'report-run', namespace: 'ops', uid: 'uid-report-run' }] }),
      running,
      ownedJob('report-ok1', 'Complete', '2024-05-01T07:00:00Z'),
      ownedJob('report-ok2', 'Complete', '2024-05-01T08:00:00Z'),
      ownedJob('report-bad1', 'Failed', '2024-05-01T07:30:00Z'),
      ownedJob('report-bad2', 'Failed', '2024-05-01T08:30:00Z'),
    );
    expect(jobNames()).toEqual(['report-bad2', 'report-ok2', 'report-run']);
    await kit.client.patch(jobs, 'ops', 'report-run', 'merge', { status: { conditions: [{ type: 'Complete', status: 'True' }], completionTime: '2024-05-01T10:01:00Z' } }, { subresource: 'status' });
    await kit.settle();
    expect(stored().status).toMatchObject({ lastSuccessfulTime: '2024-05-01T10:01:00Z' });
    expect(stored().status!.active).toBeUndefined();
    expect(jobNames()).toEqual(['report-bad2', 'report-run']);
    expect(await kit.events()).toContainEqual(expect.objectContaining({ reason: 'SawCompletedJob', message: 'Saw completed job: report-run, status: Complete' }));
  });

  it('reads the schedule in spec.timeZone', async () => {
    await begin(cronJob({ schedule: '0 9 * * *', timeZone: 'America/New_York' }));
    await kit.clock.advance(2 * 3600_000 + 59 * 60_000);
    expect(jobNames()).toEqual([]);
    await kit.clock.advance(61_000);
    await kit.settle();
    expect(jobNames()).toEqual([`report-${minutes('2024-05-01T13:00:00Z')}`]);
  });

  it('reports an unparseable schedule without retrying', async () => {
    await begin(cronJob({ schedule: 'not a schedule' }));
    expect(await kit.events()).toEqual([expect.objectContaining({ type: 'Warning', reason: 'UnparseableSchedule' })]);
    expect(controller.queue.len()).toBe(0);
  });

  it('retries a failed Job create with backoff', async () => {
    kit.client.failOn('create', 'jobs', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'boom', code: 500 }), 1);
    await begin(cronJob());
    await kit.clock.advance(5 * 60_000 + 100);
    await kit.settle();
    expect(jobNames()).toEqual([]);
    await kit.clock.advance(100);
    await kit.settle();
    expect(jobNames()).toEqual([`report-${minutes('2024-05-01T10:05:00Z')}`]);
  });
});
