import { pods, type Binding } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import type { PodInfo } from '../cache/pod-info';
import type { BindPlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';

/** Binds by POSTing a Binding to pods/<name>/binding; the apiserver sets spec.nodeName and PodScheduled=True. */
export class DefaultBinder implements BindPlugin {
  readonly name = pluginNames.defaultBinder;

  constructor(private readonly client: KubeClient) {}

  async bind(_state: unknown, pod: PodInfo, nodeName: string): Promise<MaybeStatus> {
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { namespace: pod.namespace, name: pod.name, ...(pod.uid ? { uid: pod.uid } : {}) },
      target: { kind: 'Node', name: nodeName },
    };
    try {
      await this.client.create(pods, pod.namespace, binding, { subresource: 'binding', name: pod.name });
      return null;
    } catch (err) {
      return Status.error((err as Error).message);
    }
  }
}
