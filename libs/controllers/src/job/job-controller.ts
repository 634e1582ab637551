import { jobs, pods, type Job, type Pod } from '@skiff/api';
import { objectKey, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { controllerOf } from '../replicaset/controller-ref';
import { ControllerExpectations } from '../replicaset/expectations';
import { reconcileJob } from './reconcile';

/** Keys are Jobs; a pod's changes wake the Job that controls it. */
export class JobController extends QueueController {
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly expectations: ControllerExpectations;

  constructor(ctx: ControllerContext) {
    super('job', ctx);
    this.expectations = new ControllerExpectations(ctx.clock);
    this.jobs = ctx.informers.forResource<Job>(jobs);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.jobs.addEventHandler({
      onAdd: (j) => this.enqueue(objectKey(j)),
      onUpdate: (_o, j) => this.enqueue(objectKey(j)),
      onDelete: (j) => this.enqueue(objectKey(j)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.onPod(p, 'added'),
      onUpdate: (_o, p) => this.onPod(p, p.metadata.deletionTimestamp ? 'deleted' : 'changed'),
      onDelete: (p) => this.onPod(p, 'deleted'),
    });
  }

  private onPod(pod: Pod, what: 'added' | 'changed' | 'deleted'): void {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'Job') return;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    if (what === 'added') this.expectations.creationObserved(key);
    if (what === 'deleted') this.expectations.deletionObserved(key, objectKey(pod));
    this.enqueue(key);
  }

  reconcile(key: string): Promise<void> {
    return reconcileJob(key, {
      client: this.ctx.client,
      jobs: this.jobs.lister,
      pods: this.pods.lister,
      recorder: this.ctx.recorder(this.name),
      clock: this.ctx.clock,
      expectations: this.expectations,
      requeueAfter: (k, ms) => this.queue.addAfter(k, ms),
    });
  }
}

export const jobControllerFactory: ControllerFactory = (ctx) => new JobController(ctx);
