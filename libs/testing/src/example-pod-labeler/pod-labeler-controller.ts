import { pods, type Pod } from '@skiff/api';
import { objectKey, WorkQueue, type Clock, type EventRecorder, type InformerFactory, type KubeClient } from '@skiff/client';
import { reconcilePod } from './reconcile';

/** Wiring: an informer on pods whose handlers only enqueue keys, and workers that drain the queue. */
export class PodLabelerController {
  readonly queue: WorkQueue<string>;
  private readonly informer;

  constructor(
    private readonly client: KubeClient,
    informers: InformerFactory,
    private readonly recorder: EventRecorder,
    clock: Clock,
    private readonly teams: Record<string, string>,
  ) {
    this.queue = new WorkQueue<string>({ clock });
    this.informer = informers.forResource<Pod>(pods);
    this.informer.addEventHandler({
      onAdd: (p) => this.queue.add(objectKey(p)),
      onUpdate: (_old, p) => this.queue.add(objectKey(p)),
    });
  }

  /** Processes one key: reconcile, then forget it or retry with backoff. Returns false once the queue shut down. */
  async processNext(): Promise<boolean> {
    const key = await this.queue.get();
    if (key === undefined) return false;
    try {
      await reconcilePod(key, { client: this.client, pods: this.informer.lister, recorder: this.recorder, teams: this.teams });
      this.queue.forget(key);
    } catch {
      this.queue.addRateLimited(key);
    } finally {
      this.queue.done(key);
    }
    return true;
  }
}
