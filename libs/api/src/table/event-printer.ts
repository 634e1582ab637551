import type { Event } from '../core/v1/event';
import { timeSince } from './human-duration';
import { column, nameColumn, wideColumn, type TablePrinter } from './table-printer';

function firstNonEmpty(...values: (string | undefined)[]): string {
  return values.find((v) => v) ?? '';
}

/** `kubelet, node-1`: the reporting component, and its host when known. */
function eventSource(ev: Event): string {
  const component = firstNonEmpty(ev.source?.component, ev.reportingComponent);
  const instance = firstNonEmpty(ev.source?.host, ev.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

/** `pod/web`: the involved object's lower-cased kind and name. */
function eventObject(ev: Event): string {
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  return ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
}

/** Events lead with when they were last seen; a series (events.k8s.io style) overrides count and last seen. */
export const eventPrinter: TablePrinter<Event> = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning).'),
    column('Reason', 'string', "A short, machine understandable string that gives the reason for the transition into the object's current status."),
    column('Object', 'string', 'The object that this event is about.'),
    wideColumn('Subobject', 'string', 'The part of the object the event is about, such as a container of a pod.'),
    wideColumn('Source', 'string', 'The component reporting this event.'),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    wideColumn('First Seen', 'string', 'The time at which the event was first recorded.'),
    wideColumn('Count', 'string', 'The number of times this event has occurred.'),
    { ...nameColumn, priority: 1 },
  ],
  cells(ev, now) {
    const first = ev.firstTimestamp ? timeSince(ev.firstTimestamp, now) : timeSince(ev.eventTime, now);
    let last = ev.lastTimestamp ? timeSince(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series) {
      last = timeSince(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      // Events recorded once through events.k8s.io carry no count.
      count = 1;
    }
    return [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      eventObject(ev),
      ev.involvedObject?.fieldPath ?? '',
      eventSource(ev),
      (ev.message ?? '').trim(),
      first,
      count,
      ev.metadata.name,
    ];
  },
};
