import { Int, MicroTime, Opt, Str, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { eventSelectableFields, validateEvent } from './event-validation';
import { ObjectReferenceSchema } from './object-reference';

export const EventSourceSchema = Struct({ component: Opt(Str()), host: Opt(Str()) });

export const EventSeriesSchema = Struct({
  count: Opt(Int()),
  lastObservedTime: Opt(MicroTime()),
});

/** core/v1 Event: what kubectl describe shows; events.k8s.io/v1 is the same object seen differently. */
export const EventSchema = Struct({
  ...kindHeader(),
  involvedObject: ObjectReferenceSchema,
  reason: Opt(Str()),
  message: Opt(Str()),
  source: Opt(EventSourceSchema),
  firstTimestamp: Opt(Time()),
  lastTimestamp: Opt(Time()),
  count: Opt(Int()),
  type: Opt(Str()),
  eventTime: Opt(MicroTime()),
  series: Opt(EventSeriesSchema),
  action: Opt(Str()),
  related: Opt(ObjectReferenceSchema),
  reportingComponent: Opt(Str()),
  reportingInstance: Opt(Str()),
});
export type Event = Static<typeof EventSchema>;

export const events = defineResource<Event>({
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  shortNames: ['ev'],
  namespaced: true,
  schema: EventSchema,
  validate: validateEvent,
  selectableFields: eventSelectableFields,
});
