import { isDeepStrictEqual } from 'node:util';
import { FieldPath, forbidden, invalid, type FieldError } from '../../validation/field-errors';
import type { Toleration } from './affinity';
import type { Pod, PodSpec } from './pod';

export const podSpecUpdateForbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const sameToleration = (a: Toleration, b: Toleration) =>
  a.key === b.key && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;

/** Existing tolerations stay; only their tolerationSeconds may change, and only for NoExecute. */
function validateOnlyAddedTolerations(tolerations: Toleration[], old: Toleration[], path: FieldPath): FieldError[] {
  for (const o of old) {
    const kept = tolerations.find((t) => sameToleration(t, o));
    if (!kept || (kept.tolerationSeconds !== o.tolerationSeconds && o.effect !== 'NoExecute')) {
      return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return [];
}

function validateSchedulingGatesUpdate(spec: PodSpec, old: PodSpec, path: FieldPath): FieldError[] {
  const oldNames = new Set((old.schedulingGates ?? []).map((g) => g.name));
  const added = (spec.schedulingGates ?? []).find((g) => !oldNames.has(g.name));
  return added ? [forbidden(path, `only deletion is allowed, but found new scheduling gate '${added.name}'`)] : [];
}

/**
 * The old spec with the fields a pod update may change taken from the new one; any remaining
 * difference from the new spec is a forbidden change.
 */
function withMutableFieldsFrom(old: PodSpec, spec: PodSpec): PodSpec {
  const merged: PodSpec = structuredClone(old);
  const copyImages = (to: { image?: string }[] | undefined, from: { image?: string }[] | undefined) => {
    (to ?? []).forEach((c, i) => {
      const image = from?.[i]?.image;
      if (image === undefined) delete c.image;
      else c.image = image;
    });
  };
  copyImages(merged.containers, spec.containers);
  copyImages(merged.initContainers, spec.initContainers);
  const setOrDelete = <K extends keyof PodSpec>(key: K, value: PodSpec[K]) => {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  };
  setOrDelete('activeDeadlineSeconds', spec.activeDeadlineSeconds);
  setOrDelete('tolerations', spec.tolerations);
  setOrDelete('schedulingGates', spec.schedulingGates);
  if (old.terminationGracePeriodSeconds !== undefined && old.terminationGracePeriodSeconds < 0 && spec.terminationGracePeriodSeconds === 1) {
    merged.terminationGracePeriodSeconds = 1;
  }
  return merged;
}

/** Pods are nearly immutable: only images, the deadline, tolerations and scheduling gates move. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const path = FieldPath.root('spec');
  const spec = pod.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return [];
  const errs: FieldError[] = [];

  const newDeadline = spec.activeDeadlineSeconds;
  const oldDeadline = oldSpec.activeDeadlineSeconds;
  if (oldDeadline !== undefined && newDeadline === undefined) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  } else if (oldDeadline !== undefined && newDeadline !== undefined && newDeadline > oldDeadline) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), newDeadline, 'must be less than or equal to previous value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations ?? [], oldSpec.tolerations ?? [], path.child('tolerations')));
  errs.push(...validateSchedulingGatesUpdate(spec, oldSpec, path.child('schedulingGates')));

  if (!isDeepStrictEqual(withMutableFieldsFrom(oldSpec, spec), spec)) {
    errs.push(forbidden(path, podSpecUpdateForbiddenMessage));
  }
  return errs;
}
