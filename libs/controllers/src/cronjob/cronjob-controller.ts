import { cronjobs, jobs, type CronJob, type Job } from '@skiff/api';
import { objectKey, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { controllerOf } from '../replicaset/controller-ref';
import { reconcileCronJob } from './reconcile';

/** Keys are CronJobs; each reconcile requeues itself for the next schedule time, and a Job's changes wake its CronJob. */
export class CronJobController extends QueueController {
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;

  constructor(ctx: ControllerContext) {
    super('cronjob', ctx);
    this.cronJobs = ctx.informers.forResource<CronJob>(cronjobs);
    this.jobs = ctx.informers.forResource<Job>(jobs);
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.enqueue(objectKey(cj)),
      onUpdate: (_o, cj) => this.enqueue(objectKey(cj)),
    });
    const onJob = (job: Job) => {
      const ref = controllerOf(job);
      if (ref?.kind === 'CronJob') this.enqueue(`${job.metadata.namespace}/${ref.name}`);
    };
    this.jobs.addEventHandler({ onAdd: onJob, onUpdate: (_o, j) => onJob(j), onDelete: onJob });
  }

  reconcile(key: string): Promise<void> {
    return reconcileCronJob(key, {
      client: this.ctx.client,
      cronJobs: this.cronJobs.lister,
      jobs: this.jobs.lister,
      recorder: this.ctx.recorder(this.name),
      clock: this.ctx.clock,
      requeueAfter: (k, ms) => this.queue.addAfter(k, ms),
    });
  }
}

export const cronJobControllerFactory: ControllerFactory = (ctx) => new CronJobController(ctx);
