import { endpoints as endpointsType, pods, services, type Endpoints, type Pod, type Service } from '@skiff/api';
import { objectKey, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { servicesSelectingPod } from './pod-endpoints';
import { reconcileEndpoints } from './reconcile';

/** Watches Services, pods and Endpoints; every change enqueues the Services concerned, keyed `namespace/name`. */
export class EndpointsController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;

  constructor(ctx: ControllerContext) {
    super('endpoint', ctx);
    this.services = ctx.informers.forResource<Service>(services);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.endpoints = ctx.informers.forResource<Endpoints>(endpointsType);
    this.services.addEventHandler({
      onAdd: (s) => this.enqueue(objectKey(s)),
      onUpdate: (_old, s) => this.enqueue(objectKey(s)),
      onDelete: (s) => this.enqueue(objectKey(s)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.enqueueServicesOf(p),
      // Old labels too: a pod relabelled away from a Service must leave its Endpoints.
      onUpdate: (old, p) => {
        this.enqueueServicesOf(old);
        this.enqueueServicesOf(p);
      },
      onDelete: (p) => this.enqueueServicesOf(p),
    });
    // Someone else editing or deleting an Endpoints of ours: put it back.
    this.endpoints.addEventHandler({
      onUpdate: (_old, ep) => this.enqueue(objectKey(ep)),
      onDelete: (ep) => this.enqueue(objectKey(ep)),
    });
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const s of servicesSelectingPod(this.services.lister.listInNamespace(pod.metadata.namespace ?? ''), pod)) this.enqueue(objectKey(s));
  }

  reconcile(key: string): Promise<void> {
    return reconcileEndpoints(key, { client: this.ctx.client, services: this.services.lister, pods: this.pods.lister, endpoints: this.endpoints.lister });
  }
}

export const endpointsControllerFactory: ControllerFactory = (ctx) => new EndpointsController(ctx);
