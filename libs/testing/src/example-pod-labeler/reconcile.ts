import { pods, type Pod } from '@skiff/api';
import { isNotFound, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';

/** The example controller's whole logic: every pod gets the label `team`, taken from its namespace's default. */
export interface PodLabelerDeps {
  client: KubeClient;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  /** The team a namespace's pods belong to; pods in other namespaces are left alone. */
  teams: Record<string, string>;
}

export async function reconcilePod(key: string, deps: PodLabelerDeps): Promise<void> {
  const [namespace, name] = key.split('/');
  const pod = deps.pods.get(namespace, name);
  const team = deps.teams[namespace];
  if (!pod || !team || pod.metadata.labels?.team === team || pod.metadata.deletionTimestamp) return;
  try {
    await deps.client.patch(pods, namespace, name, 'merge', { metadata: { labels: { team } } });
    deps.recorder.event(pod, 'Normal', 'Labelled', `labelled team=${team}`);
  } catch (e) {
    // Gone since the cache saw it: nothing left to label.
    if (!isNotFound(e)) throw e;
  }
}
