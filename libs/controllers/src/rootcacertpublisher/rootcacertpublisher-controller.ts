import { configmaps, namespaces, type ConfigMap, type Namespace } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { reconcileRootCAConfigMap, rootCAConfigMapName } from './reconcile';

export const rootCACertPublisherName = 'root-ca-cert-publisher';

/** Publishes the cluster's root CA as the `kube-root-ca.crt` ConfigMap in every namespace; keys are namespace names. */
export class RootCACertPublisher extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly rootCA: string;

  constructor(ctx: ControllerContext) {
    super(rootCACertPublisherName, ctx);
    if (!ctx.options.rootCA) throw new Error(`${rootCACertPublisherName} needs the root CA (--root-ca-file)`);
    this.rootCA = ctx.options.rootCA;
    this.namespaces = ctx.informers.forResource<Namespace>(namespaces);
    this.configMaps = ctx.informers.forResource<ConfigMap>(configmaps);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns.metadata.name!),
      onUpdate: (_old, ns) => this.enqueue(ns.metadata.name!),
    });
    // The ConfigMap informer is shared with other controllers; only ours matters here.
    const onOurs = (cm: ConfigMap) => {
      if (cm.metadata.name === rootCAConfigMapName) this.enqueue(cm.metadata.namespace!);
    };
    this.configMaps.addEventHandler({
      onUpdate: (_old, cm) => onOurs(cm),
      onDelete: (cm) => onOurs(cm),
    });
  }

  reconcile(key: string): Promise<void> {
    return reconcileRootCAConfigMap(key, { client: this.ctx.client, namespaces: this.namespaces.lister, configMaps: this.configMaps.lister, rootCA: this.rootCA });
  }
}

export const rootCACertPublisherFactory: ControllerFactory = (ctx) => new RootCACertPublisher(ctx);
