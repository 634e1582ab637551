import { endpointslices, pods, services, type EndpointSlice, type Pod, type Service } from '@skiff/api';
import { objectKey, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { servicesSelectingPod } from '../endpoints/pod-endpoints';
import { QueueController } from '../queue-controller';
import { endpointSliceControllerName, managedByLabel, reconcileEndpointSlices, serviceNameLabel } from './reconcile';
import { SliceWriteTracker } from './slice-write-tracker';

/** Watches Services, pods and EndpointSlices; each change enqueues the Service concerned, keyed `namespace/name`. */
export class EndpointSliceController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly tracker = new SliceWriteTracker();

  constructor(ctx: ControllerContext) {
    super('endpointslice', ctx);
    this.services = ctx.informers.forResource<Service>(services);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.slices = ctx.informers.forResource<EndpointSlice>(endpointslices);
    this.services.addEventHandler({
      onAdd: (s) => this.enqueue(objectKey(s)),
      onUpdate: (_old, s) => this.enqueue(objectKey(s)),
      onDelete: (s) => this.enqueue(objectKey(s)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.enqueueServicesOf(p),
      onUpdate: (old, p) => {
        this.enqueueServicesOf(old);
        this.enqueueServicesOf(p);
      },
      onDelete: (p) => this.enqueueServicesOf(p),
    });
    this.slices.addEventHandler({
      onAdd: (s) => this.enqueueSliceService(s),
      onUpdate: (_old, s) => this.enqueueSliceService(s),
      onDelete: (s) => this.enqueueSliceService(s),
    });
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const s of servicesSelectingPod(this.services.lister.listInNamespace(pod.metadata.namespace ?? ''), pod)) this.enqueue(objectKey(s));
  }

  private enqueueSliceService(slice: EndpointSlice): void {
    const serviceName = slice.metadata.labels?.[serviceNameLabel];
    if (serviceName && slice.metadata.labels?.[managedByLabel] === endpointSliceControllerName) this.enqueue(`${slice.metadata.namespace}/${serviceName}`);
  }

  reconcile(key: string): Promise<void> {
    return reconcileEndpointSlices(key, { client: this.ctx.client, services: this.services.lister, pods: this.pods.lister, endpointSlices: this.slices.lister, tracker: this.tracker });
  }
}

export const endpointSliceControllerFactory: ControllerFactory = (ctx) => new EndpointSliceController(ctx);
