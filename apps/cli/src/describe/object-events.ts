import { events, type Event, type KObject } from '@skiff/api';
import type { HttpKubeClient } from '@skiff/client';

/**
 * The events about one object, oldest first: those naming its kind, namespace and name, less any recorded for
 * an earlier object of the same name (another uid). Events written without a uid still count.
 */
export async function eventsFor(client: HttpKubeClient, obj: KObject, kind: string): Promise<Event[]> {
  const selector = [`involvedObject.kind=${kind}`, `involvedObject.name=${obj.metadata.name}`];
  if (obj.metadata.namespace) selector.push(`involvedObject.namespace=${obj.metadata.namespace}`);
  const list = await client.list<Event>(events, obj.metadata.namespace || undefined, { fieldSelector: selector.join(',') });
  const uid = obj.metadata.uid;
  return list.items.filter((e) => !e.involvedObject.uid || !uid || e.involvedObject.uid === uid).sort((a, b) => eventTime(a) - eventTime(b));
}

export function eventTime(ev: Event): number {
  const t = ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp;
  return t ? Date.parse(String(t)) : 0;
}
