import type { ControllerRevision } from '../apps/v1/controller-revision';
import type { DaemonSet } from '../apps/v1/daemon-set';
import type { Deployment } from '../apps/v1/deployment';
import type { ReplicaSet } from '../apps/v1/replica-set';
import type { StatefulSet } from '../apps/v1/stateful-set';
import type { PodTemplateSpec } from '../core/v1/pod';
import { ago, now } from './test-fixtures';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './workload-printers';

const meta = { name: 'web', namespace: 'default', creationTimestamp: ago(3 * 3600) };
const template: PodTemplateSpec = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'log', image: 'fluentbit' }] },
};
const columnNames = (p: { columns: readonly { name: string; priority: number }[] }) => p.columns.map((c) => (c.priority ? `*${c.name}` : c.name));

describe('deploymentPrinter', () => {
  const d: Deployment = {
    metadata: meta,
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };

  it('has the real column set', () => {
    expect(columnNames(deploymentPrinter)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', '*Containers', '*Images', '*Selector']);
  });

  it('shows ready/desired, counters, containers, images and the selector', () => {
    expect(deploymentPrinter.cells(d, now)).toEqual(['web', '2/3', 3, 2, '3h', 'app,log', 'nginx:1.25,fluentbit', 'app=web']);
  });

  it('counts zero before the controller has written any status', () => {
    expect(deploymentPrinter.cells({ ...d, status: undefined }, now).slice(1, 4)).toEqual(['0/3', 0, 0]);
  });

  it('prints set-based selectors canonically', () => {
    const cells = deploymentPrinter.cells(
      { ...d, spec: { ...d.spec, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] } } },
      now,
    );
    expect(cells[7]).toBe('app=web,tier in (a,b)');
  });
});

describe('replicaSetPrinter', () => {
  it('shows desired, current and ready counts', () => {
    const rs: ReplicaSet = { metadata: meta, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 3, readyReplicas: 1 } };
    expect(columnNames(replicaSetPrinter)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', '*Containers', '*Images', '*Selector']);
    expect(replicaSetPrinter.cells(rs, now)).toEqual(['web', 3, 3, 1, '3h', 'app,log', 'nginx:1.25,fluentbit', 'app=web']);
  });

  it('prints <none> for an empty selector', () => {
    const rs: ReplicaSet = { metadata: meta, spec: { replicas: 1, selector: {}, template } };
    expect(replicaSetPrinter.cells(rs, now)[7]).toBe('<none>');
  });
});

describe('daemonSetPrinter', () => {
  it('shows the scheduling counters and the node selector', () => {
    const ds: DaemonSet = {
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
    };
    expect(columnNames(daemonSetPrinter)).toEqual([
      'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', '*Containers', '*Images', '*Selector',
    ]);
    expect(daemonSetPrinter.cells(ds, now)).toEqual(['web', 3, 3, 2, 3, 2, 'disk=ssd,kubernetes.io/os=linux', '3h', 'app,log', 'nginx:1.25,fluentbit', 'app=web']);
  });

  it('prints <none> without a node selector', () => {
    const ds: DaemonSet = { metadata: meta, spec: { selector: { matchLabels: { app: 'web' } }, template } };
    expect(daemonSetPrinter.cells(ds, now).slice(1, 7)).toEqual([0, 0, 0, 0, 0, '<none>']);
  });
});

describe('statefulSetPrinter', () => {
  it('shows ready/desired', () => {
    const sts: StatefulSet = { metadata: meta, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 3, readyReplicas: 3 } };
    expect(columnNames(statefulSetPrinter)).toEqual(['Name', 'Ready', 'Age', '*Containers', '*Images']);
    expect(statefulSetPrinter.cells(sts, now)).toEqual(['web', '3/3', '3h', 'app,log', 'nginx:1.25,fluentbit']);
  });
});

describe('controllerRevisionPrinter', () => {
  it('names the controlling owner by group-qualified kind', () => {
    const cr: ControllerRevision = {
      metadata: {
        ...meta,
        name: 'web-6d4b7c',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: 'other', uid: '1' },
          { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'web', uid: '2', controller: true },
        ],
      },
      data: {},
      revision: 4,
    };
    expect(columnNames(controllerRevisionPrinter)).toEqual(['Name', 'Controller', 'Revision', 'Age']);
    expect(controllerRevisionPrinter.cells(cr, now)).toEqual(['web-6d4b7c', 'daemonset.apps/web', 4, '3h']);
  });

  it('prints <none> without a controller', () => {
    expect(controllerRevisionPrinter.cells({ metadata: meta, data: {}, revision: 1 }, now)[1]).toBe('<none>');
  });
});
