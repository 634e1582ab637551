import { events, type Event, type KObject } from '@skiff/api';
import type { HttpKubeClient } from '@skiff/client';

/** The events about one object (by uid, as kubectl describe finds them), oldest first. */
export async function eventsFor(client: HttpKubeClient, obj: KObject): Promise<Event[]> {
  const namespace = obj.metadata.namespace || 'default';
  const selector = obj.metadata.uid ? `involvedObject.uid=${obj.metadata.uid}` : `involvedObject.name=${obj.metadata.name}`;
  const list = await client.list<Event>(events, obj.metadata.namespace ? namespace : undefined, { fieldSelector: selector });
  return list.items.sort((a, b) => eventTime(a) - eventTime(b));
}

export function eventTime(ev: Event): number {
  const t = ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp;
  return t ? Date.parse(String(t)) : 0;
}
