import type { Event } from '../core/v1/event';
import { eventPrinter } from './event-printer';
import { ago, now } from './test-fixtures';

const base: Event = {
  metadata: { name: 'web.17c1', namespace: 'default', creationTimestamp: ago(600) },
  involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' },
  reason: 'Pulled',
  message: 'Container image "nginx" already present on machine\n',
  type: 'Normal',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: ago(600),
  lastTimestamp: ago(30),
  count: 3,
};

describe('eventPrinter', () => {
  it('has the real column set, last seen first and the name last', () => {
    expect(eventPrinter.columns.map((c) => (c.priority ? `*${c.name}` : c.name))).toEqual([
      'Last Seen', 'Type', 'Reason', 'Object', '*Subobject', '*Source', 'Message', '*First Seen', '*Count', '*Name',
    ]);
    expect(eventPrinter.columns[9].format).toBe('name');
  });

  it('prints a core event', () => {
    expect(eventPrinter.cells(base, now)).toEqual([
      '30s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-1', 'Container image "nginx" already present on machine', '10m', 3, 'web.17c1',
    ]);
  });

  it('falls back to eventTime, the reporting controller and a count of one for new-style events', () => {
    const ev: Event = {
      metadata: { name: 'n1', namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'node-1' },
      eventTime: new Date(now - 90_000).toISOString().replace('Z', '000Z'),
      reportingComponent: 'scheduler',
    };
    expect(eventPrinter.cells(ev, now)).toEqual(['90s', '', '', 'node/node-1', '', 'scheduler', '', '90s', 1, 'n1']);
  });

  it('takes count and last seen from a series', () => {
    const ev: Event = { ...base, series: { count: 7, lastObservedTime: new Date(now - 5000).toISOString() } };
    const cells = eventPrinter.cells(ev, now);
    expect([cells[0], cells[8]]).toEqual(['5s', 7]);
  });
});
