import { formatFieldError } from '../../validation/field-errors';
import type { Pod } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { podSpecUpdateForbiddenMessage, validatePodUpdate } from './pod-update-validation';

function basePod(): Pod {
  const p: Pod = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
      initContainers: [{ name: 'init', image: 'busybox:1' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      activeDeadlineSeconds: 600,
      schedulingGates: [{ name: 'example.com/quota' }],
    },
  };
  applyPodDefaults(p);
  return p;
}

function update(edit: (p: Pod) => void): string[] {
  const old = basePod();
  const next = structuredClone(old);
  edit(next);
  return validatePodUpdate(next, old).map(formatFieldError);
}

describe('validatePodUpdate', () => {
  it('allows changing container and init container images', () => {
    expect(
      update((p) => {
        p.spec.containers[0].image = 'nginx:1.26';
        p.spec.initContainers![0].image = 'busybox:2';
      }),
    ).toEqual([]);
  });

  it('allows adding tolerations, lowering activeDeadlineSeconds and removing scheduling gates', () => {
    expect(
      update((p) => {
        p.spec.tolerations!.push({ key: 'spot', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 });
        p.spec.activeDeadlineSeconds = 300;
        p.spec.schedulingGates = [];
      }),
    ).toEqual([]);
  });

  it('forbids any other spec change with the Kubernetes message', () => {
    expect(update((p) => (p.spec.containers[0].ports![0].containerPort = 8080))).toEqual([`spec: Forbidden: ${podSpecUpdateForbiddenMessage}`]);
    expect(podSpecUpdateForbiddenMessage).toBe(
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
        '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  });

  it('forbids setting or changing nodeName (that is what the binding subresource is for)', () => {
    expect(update((p) => (p.spec.nodeName = 'node-1'))).toEqual([`spec: Forbidden: ${podSpecUpdateForbiddenMessage}`]);
  });

  it('forbids adding a container', () => {
    expect(update((p) => p.spec.containers.push({ name: 'b', image: 'b' }))).toEqual([`spec: Forbidden: ${podSpecUpdateForbiddenMessage}`]);
  });

  it('forbids raising or removing activeDeadlineSeconds', () => {
    expect(update((p) => (p.spec.activeDeadlineSeconds = 900))).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value',
    ]);
    expect(update((p) => delete p.spec.activeDeadlineSeconds)).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value',
    ]);
  });

  it('forbids removing or changing existing tolerations', () => {
    expect(update((p) => (p.spec.tolerations = []))).toEqual([
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });

  it('forbids adding scheduling gates', () => {
    expect(update((p) => p.spec.schedulingGates!.push({ name: 'later' }))).toEqual([
      "spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'later'",
    ]);
  });

  it('allows terminationGracePeriodSeconds to go from negative to 1 only', () => {
    const old = basePod();
    old.spec.terminationGracePeriodSeconds = -1;
    const fixed = structuredClone(old);
    fixed.spec.terminationGracePeriodSeconds = 1;
    expect(validatePodUpdate(fixed, old)).toEqual([]);
    const other = structuredClone(old);
    other.spec.terminationGracePeriodSeconds = 5;
    expect(validatePodUpdate(other, old)).toHaveLength(1);
  });
});
