import { jobs, pods, type Job, type Pod } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { JobController } from './job-controller';

function job(name: string, spec: Partial<Job['spec']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'batch', uid: `uid-${name}` },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': `uid-${name}` } },
      template: { metadata: { labels: { app: 'work' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  };
}

describe('job', () => {
  let kit: ControllerTestKit;
  let controller: JobController;

  async function begin(...fixtures: Job[]): Promise<void> {
    kit.seed(jobs, ...fixtures);
    const ctx: ControllerContext = { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions };
    controller = new JobController(ctx);
    await kit.start();
    controller.run(1);
    await kit.settle();
  }
  const storedJob = (name: string) => kit.client.tracker.get(jobs, 'batch', name) as Job | undefined;
  const jobPods = () => kit.client.tracker.list(pods, 'batch') as Pod[];
  const active = () => jobPods().filter((p) => !p.status?.phase || p.status.phase === 'Running');
  async function finish(pod: Pod, phase: 'Succeeded' | 'Failed'): Promise<void> {
    await kit.client.patch(pods, 'batch', pod.metadata.name!, 'merge', { status: { phase } }, { subresource: 'status' });
    await kit.settle();
  }

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(async () => {
    await controller.stop();
    kit.stop();
  });

  it('runs min(parallelism, completions) pods labelled and owned by the job', async () => {
    await begin(job('pi', { completions: 5, parallelism: 2 }));
    expect(kit.writes()).toEqual(['create pods', 'create pods', 'patch jobs/status']);
    const [p] = jobPods();
    expect(p.metadata.generateName).toBe('pi-');
    expect(p.metadata.labels).toMatchObject({ app: 'work', 'batch.kubernetes.io/job-name': 'pi', 'batch.kubernetes.io/controller-uid': 'uid-pi', 'job-name': 'pi', 'controller-uid': 'uid-pi' });
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'uid-pi', controller: true, blockOwnerDeletion: true }]);
    expect(storedJob('pi')!.status).toMatchObject({ active: 2, ready: 0, succeeded: 0, failed: 0, startTime: '2024-05-01T10:00:00Z' });
    expect((await kit.events()).filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(2);
  });

  it('replaces finished pods until completions succeed, then is Complete', async () => {
    await begin(job('pi', { completions: 3, parallelism: 2 }));
    await kit.clock.advance(5_000);
    for (let round = 0; round < 3; round++) await finish(active()[0], 'Succeeded');
    const j = storedJob('pi')!;
    expect(jobPods()).toHaveLength(3);
    expect(j.status).toMatchObject({ active: 0, succeeded: 3, completionTime: '2024-05-01T10:00:05Z' });
    expect(j.status!.conditions).toEqual([{ type: 'Complete', status: 'True', lastProbeTime: '2024-05-01T10:00:05Z', lastTransitionTime: '2024-05-01T10:00:05Z' }]);
    expect(await kit.events()).toContainEqual(expect.objectContaining({ reason: 'Completed', message: 'Job completed', object: 'Job/pi' }));
  });

  it('fails with BackoffLimitExceeded once failures pass backoffLimit, deleting its active pods', async () => {
    await begin(job('flaky', { completions: 3, parallelism: 2, backoffLimit: 1 }));
    await finish(active()[0], 'Failed');
    expect(storedJob('flaky')!.status!.conditions).toBeUndefined();
    expect(active()).toHaveLength(2);
    await finish(active()[0], 'Failed');
    const j = storedJob('flaky')!;
    expect(j.status).toMatchObject({ active: 0, failed: 2 });
    expect(j.status!.conditions).toEqual([expect.objectContaining({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' })]);
    expect(active()).toEqual([]);
    expect(kit.writes().filter((w) => w === 'delete pods')).toHaveLength(1);
    expect(await kit.events()).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'BackoffLimitExceeded' }));
  });

  it('counts container restarts toward backoffLimit when restartPolicy is OnFailure', async () => {
    const j = job('restarts', { backoffLimit: 2 });
    j.spec.template.spec!.restartPolicy = 'OnFailure';
    await begin(j);
    const [p] = active();
    await kit.client.patch(pods, 'batch', p.metadata.name!, 'merge', { status: { phase: 'Running', containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 3 }] } }, { subresource: 'status' });
    await kit.settle();
    expect(storedJob('restarts')!.status!.conditions).toEqual([expect.objectContaining({ type: 'Failed', reason: 'BackoffLimitExceeded' })]);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds, by the clock', async () => {
    await begin(job('slow', { activeDeadlineSeconds: 30 }));
    await kit.clock.advance(29_000);
    expect(storedJob('slow')!.status!.conditions).toBeUndefined();
    await kit.clock.advance(1_000);
    await kit.settle();
    expect(storedJob('slow')!.status!.conditions).toEqual([expect.objectContaining({ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', lastTransitionTime: '2024-05-01T10:00:30Z' })]);
    expect(active()).toEqual([]);
  });

  it('deletes a finished job ttlSecondsAfterFinished later with background propagation', async () => {
    await begin(job('short', { ttlSecondsAfterFinished: 60 }));
    await finish(active()[0], 'Succeeded');
    await kit.clock.advance(59_000);
    expect(storedJob('short')).toBeDefined();
    await kit.clock.advance(1_000);
    await kit.settle();
    expect(storedJob('short')).toBeUndefined();
    expect(kit.writeActions().find((a) => a.verb === 'delete' && a.resource === 'jobs')).toMatchObject({ name: 'short', deleteOptions: { propagationPolicy: 'Background' } });
  });

  it('runs a work queue job (no completions) until one pod succeeds and the rest finish', async () => {
    await begin(job('queue', { completions: undefined, parallelism: 2 }));
    const [a, b] = active();
    await finish(a, 'Succeeded');
    expect(storedJob('queue')!.status!.conditions).toBeUndefined();
    expect(active()).toHaveLength(1);
    await finish(b, 'Succeeded');
    expect(storedJob('queue')!.status).toMatchObject({ succeeded: 2, conditions: [expect.objectContaining({ type: 'Complete' })] });
  });

  it('gives Indexed jobs one pod per index and reports completedIndexes', async () => {
    await begin(job('idx', { completionMode: 'Indexed', completions: 3, parallelism: 3 }));
    const byIndex = (i: number) => active().find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === String(i))!;
    expect(active().map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2']);
    expect(byIndex(1).spec!.hostname).toBe('idx-1');
    expect(byIndex(1).spec!.containers[0].env).toEqual([{ name: 'JOB_COMPLETION_INDEX', value: '1' }]);
    await finish(byIndex(0), 'Succeeded');
    await finish(byIndex(1), 'Failed');
    expect(storedJob('idx')!.status!.completedIndexes).toBe('0');
    expect(byIndex(1)).toBeDefined();
    await finish(byIndex(1), 'Succeeded');
    await finish(byIndex(2), 'Succeeded');
    expect(storedJob('idx')!.status).toMatchObject({ completedIndexes: '0-2', succeeded: 3, failed: 1, conditions: [expect.objectContaining({ type: 'Complete' })] });
  });

  it('retries pod creation with backoff when the apiserver refuses', async () => {
    kit.client.failOn('create', 'pods', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'boom', code: 500 }), 1);
    await begin(job('retry'));
    expect(active()).toEqual([]);
    await kit.clock.advance(100);
    await kit.settle();
    expect(kit.writes()).toEqual(['create pods', 'create pods', 'patch jobs/status']);
    expect(active()).toHaveLength(1);
  });
});
